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

// The header rows of divisions.csv and aliases.csv.
const (
	divisionsHeader = "code,name,level,parent_code"
	aliasesHeader   = "written,province_code,old_code,code,kind,year,source,note"
)

// ReadDivisionsCSV reads divisions.csv (code,name,level,parent_code).
func ReadDivisionsCSV(r io.Reader) ([]Division, error) {
	rows, err := readCSV(r, divisionsHeader)
	if err != nil {
		return nil, fmt.Errorf("divisions.csv: %w", err)
	}
	out := make([]Division, 0, len(rows))
	for _, row := range rows {
		out = append(out, Division{Code: row[0], Name: row[1], Level: Level(row[2]), ParentCode: row[3]})
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
		if err := cw.Write([]string{d.Code, d.Name, string(d.Level), d.ParentCode}); err != nil {
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

// Load reads divisions.csv and aliases.csv from fsys (the embedded geodata
// or a deployment's own folder) and indexes them.
func Load(fsys fs.FS) (*Gazetteer, error) {
	df, err := fsys.Open("divisions.csv")
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	defer df.Close()
	divs, err := ReadDivisionsCSV(df)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	af, err := fsys.Open("aliases.csv")
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	defer af.Close()
	aliases, err := ReadAliasesCSV(af)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return New(divs, aliases)
}
