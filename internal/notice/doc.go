// Package notice reads the text of a Chinese government notice that designates
// pilot provinces and pilot units, and returns what it lists: the pilot
// provinces, and for each province the units listed under it, each name as
// written in the document together with its line number.
//
// The package is pure: it takes bytes and returns values. It knows nothing of
// the gazetteer, of storage or of HTTP. It normalizes names (width, Traditional
// to Simplified characters, stray spaces and punctuation) but never guesses: a
// name damaged by OCR or by typing is passed through, and matching it to a
// division is left to the caller.
//
// Parse accepts UTF-8 (with or without a byte-order mark), UTF-16 with a
// byte-order mark and GB18030/GBK; CRLF, LF or CR line ends; numbered or
// unnumbered list lines with half- or full-width punctuation; lists broken
// over lines, blank lines and page breaks; and markdown or tab-separated
// tables, with or without a region column and with province cells that span
// several rows.
package notice
