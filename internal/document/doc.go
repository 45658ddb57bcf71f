// Package document turns a notice as people publish it into text the notice
// parser reads: plain text in any encoding, a saved web page (HTML), a Word
// document (.docx) or a PDF with a text layer.
//
// The format is detected from the content (the bytes %PDF-, a zip archive
// holding a Word document, an HTML doctype or tag); the file name and the
// content type are hints only, and a hint the content contradicts is noted.
// Plain text is passed through unchanged, so that the notice parser detects
// its encoding. Every other format is converted to UTF-8 lines: paragraphs,
// headings and list items become lines, line breaks stay line breaks, and a
// table becomes markdown-style rows "| cell | cell |": a cell that spans
// rows (a row span, a vertical merge) is repeated in each, so every row
// keeps its province; a cell that spans columns fills the first of them.
// Scripts, styles, the page's head and hidden elements are dropped. In a
// PDF, lines that the layout wrapped at the right margin are joined, and a
// table drawn with cell borders is read back into rows and cells from them.
//
// Input is bounded: more than MaxBytes is refused without being read further,
// and so is a Word document whose XML inflates past MaxInflated.
//
// A Converter holds the PDF engine (PDFium compiled to WebAssembly, started
// on the first PDF); it is safe for concurrent use, and Close releases it.
package document
