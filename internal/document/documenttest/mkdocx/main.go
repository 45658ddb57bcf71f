// Command mkdocx writes the notice text on standard input as a Word
// document on standard output, the way the Go tests make one
// (documenttest.DOCX): the browser tests upload it (web/e2e/admin.test.mjs).
//
//	go run ./internal/document/documenttest/mkdocx < notice.txt > notice.docx
package main

import (
	"fmt"
	"io"
	"os"

	"pilotmap/internal/document/documenttest"
)

func main() {
	text, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkdocx:", err)
		os.Exit(1)
	}
	docx, err := documenttest.DOCX(documenttest.Lines(string(text)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkdocx:", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(docx); err != nil {
		fmt.Fprintln(os.Stderr, "mkdocx:", err)
		os.Exit(1)
	}
}
