package gazetteer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
)

// The header rows of divisions.csv, aliases.csv and history.csv.
const (
	divisionsHeader = "code,name,level,parent_code,name_en"
	aliasesHeader   = "written,province_code,old_code,code,kind,year,source,note"
	historyHeader   = "written,province_code,old_code,code,kind,year,listed_until,source"
)

// ReadDivisionsCSV reads divisions.csv (code,name,level,parent_code,name_en).
func ReadDivisionsCSV(r io.Reader) ([]Division, error) {
	rows, err := readCSV(r, divisionsHeader)
	if err != nil {
		return nil, fmt.Errorf("divisions.csv: %w", err)
	}
	out := make([]Division, 0, len(rows))
	for _, row := range rows {
		out = append(out, Division{Code: row[0], Name: row[1], Level: Level(row[2]), ParentCode: row[3], NameEN: row[4]})
	}
	return out, nil
}

// WriteDivisionsCSV writes divisions in the format ReadDivisionsCSV reads.
func WriteDivisionsCSV(w io.Writer, divisions []Division) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(strings.Split(divisionsHeader, ",")); err != nil {
		return fmt.Errorf("write divisions.csv: %w", err)
	}
	for _, d := range divisions {
		if err := cw.Write([]string{d.Code, d.Name, string(d.Level), d.ParentCode, d.NameEN}); err != nil {
			return fmt.Errorf("write divisions.csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write divisions.csv: %w", err)
	}
	return nil
}

// ReadAliasesCSV reads aliases.csv
// (written,province_code,old_code,code,kind,year,source,note).
func ReadAliasesCSV(r io.Reader) ([]Alias, error) {
	rows, err := readCSV(r, aliasesHeader)
	if err != nil {
		return nil, fmt.Errorf("aliases.csv: %w", err)
	}
	out := make([]Alias, 0, len(rows))
	for i, row := range rows {
		a := Alias{Written: row[0], ProvinceCode: row[1], OldCode: row[2], Code: row[3], Kind: AliasKind(row[4]), Source: row[6], Note: row[7]}
		switch a.Kind {
		case Renamed, Recoded, Merged, Short:
		default:
			return nil, fmt.Errorf("aliases.csv row %d (%s): unknown kind %q", i+2, a.Written, a.Kind)
		}
		if row[5] != "" {
			y, err := strconv.Atoi(row[5])
			if err != nil {
				return nil, fmt.Errorf("aliases.csv row %d (%s): year %q: %w", i+2, a.Written, row[5], err)
			}
			a.Year = y
		}
		if a.Kind != Short && a.Year == 0 {
			return nil, fmt.Errorf("aliases.csv row %d (%s): a %s row needs the year of the change", i+2, a.Written, a.Kind)
		}
		out = append(out, a)
	}
	return out, nil
}

// ReadHistoryCSV reads history.csv
// (written,province_code,old_code,code,kind,year,listed_until,source), the
// table of history derived from the GB/T 2260 code tables by
// cmd/geodatagen: renamed and recoded rows only, each with the year of the
// first table that shows the change and the year of the last that lists
// the old name.
func ReadHistoryCSV(r io.Reader) ([]Alias, error) {
	rows, err := readCSV(r, historyHeader)
	if err != nil {
		return nil, fmt.Errorf("history.csv: %w", err)
	}
	out := make([]Alias, 0, len(rows))
	for i, row := range rows {
		a := Alias{Written: row[0], ProvinceCode: row[1], OldCode: row[2], Code: row[3], Kind: AliasKind(row[4]), Source: row[7]}
		if a.Kind != Renamed && a.Kind != Recoded {
			return nil, fmt.Errorf("history.csv row %d (%s): kind %q, want %s or %s", i+2, a.Written, a.Kind, Renamed, Recoded)
		}
		for _, f := range []struct {
			text string
			to   *int
			what string
		}{{row[5], &a.Year, "year"}, {row[6], &a.ListedUntil, "listed_until"}} {
			y, err := strconv.Atoi(f.text)
			if err != nil {
				return nil, fmt.Errorf("history.csv row %d (%s): %s %q: %w", i+2, a.Written, f.what, f.text, err)
			}
			*f.to = y
		}
		if a.ListedUntil > a.Year {
			return nil, fmt.Errorf("history.csv row %d (%s): listed until %d, after the change in %d", i+2, a.Written, a.ListedUntil, a.Year)
		}
		out = append(out, a)
	}
	return out, nil
}

// WriteHistoryCSV writes derived history rows in the format ReadHistoryCSV
// reads.
func WriteHistoryCSV(w io.Writer, rows []Alias) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(strings.Split(historyHeader, ",")); err != nil {
		return fmt.Errorf("write history.csv: %w", err)
	}
	for _, a := range rows {
		rec := []string{a.Written, a.ProvinceCode, a.OldCode, a.Code, string(a.Kind), strconv.Itoa(a.Year), strconv.Itoa(a.ListedUntil), a.Source}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write history.csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write history.csv: %w", err)
	}
	return nil
}

func readCSV(r io.Reader, header string) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = strings.Count(header, ",") + 1
	cr.Comment = '#'
	got, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	if strings.Join(got, ",") != header {
		return nil, fmt.Errorf("header is %q, want %q", strings.Join(got, ","), header)
	}
	var rows [][]string
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		for i := range row {
			row[i] = strings.TrimSpace(row[i])
		}
		rows = append(rows, row)
	}
}

// Load reads divisions.csv, aliases.csv and history.csv from fsys (the
// embedded geodata or a deployment's own folder) and indexes them. The
// rows of history.csv follow the curated rows of aliases.csv, so a curated
// row is the one ByOldCode returns for an old code both carry.
func Load(fsys fs.FS) (*Gazetteer, error) {
	divs, err := readFile(fsys, "divisions.csv", ReadDivisionsCSV)
	if err != nil {
		return nil, err
	}
	aliases, err := readFile(fsys, "aliases.csv", ReadAliasesCSV)
	if err != nil {
		return nil, err
	}
	history, err := readFile(fsys, "history.csv", ReadHistoryCSV)
	if err != nil {
		return nil, err
	}
	return New(divs, append(aliases, history...))
}

// readFile opens one file of fsys and reads it with read.
func readFile[T any](fsys fs.FS, name string, read func(io.Reader) ([]T, error)) ([]T, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	defer f.Close()
	out, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return out, nil
}
