package main

import (
	"fmt"
	"io"
	"os"

	"pilotmap/internal/document"
)

// readDocument reads the notice FILE ("-" for stdin) in any format the
// document package reads. A regular file over document.MaxBytes is refused
// from its size, before it is read; any other input is read up to that
// limit and refused past it.
func readDocument(path string) (*document.Document, error) {
	var r io.Reader = os.Stdin
	name := ""
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			return nil, fmt.Errorf("%s is a directory, not a notice", path)
		}
		if st.Mode().IsRegular() {
			if err := document.CheckSize(st.Size()); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		r, name = f, path
	}
	c := document.New()
	defer c.Close()
	doc, err := c.Read(r, name, "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

// describe says, for a note, how a document other than plain text was read.
func describe(path string, doc *document.Document) string {
	s := fmt.Sprintf("%s read as %s", path, doc.Format)
	switch {
	case doc.Encoding != "":
		s += ", encoding " + doc.Encoding
	case doc.Pages > 0:
		s += fmt.Sprintf(", %d pages", doc.Pages)
	}
	return s
}
