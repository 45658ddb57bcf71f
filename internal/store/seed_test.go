package store

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"pilotmap/geodata"
	"pilotmap/internal/gazetteer"
)

func TestSeedDivisionsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if err := s.SeedDivisions(ctx, smallDivisions(), smallAliases()); err != nil {
		t.Fatal(err)
	}
	v1, _ := s.DataVersion(ctx)
	if v1 != 1 {
		t.Errorf("data version after first seed = %d, want 1", v1)
	}

	got, err := s.Divisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := smallDivisions()
	slices.SortFunc(want, func(a, b gazetteer.Division) int { return strings.Compare(a.Code, b.Code) })
	if !slices.Equal(got, want) {
		t.Errorf("Divisions() =\n%v\nwant\n%v", got, want)
	}
	aliases, err := s.Aliases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(aliases, smallAliases()) {
		t.Errorf("Aliases() = %v, want %v", aliases, smallAliases())
	}

	// The same data again: nothing changes.
	before := takeSnapshot(t, s)
	if err := s.SeedDivisions(ctx, smallDivisions(), smallAliases()); err != nil {
		t.Fatal(err)
	}
	if after := takeSnapshot(t, s); !sameSnapshot(before, after) {
		t.Errorf("re-seeding the same data changed %v to %v", before, after)
	}

	// A renamed division changes the data version, and only it.
	divs := smallDivisions()
	divs[0].Name = "东城区（新）"
	if err := s.SeedDivisions(ctx, divs, smallAliases()); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.DataVersion(ctx); v != v1+1 {
		t.Errorf("data version after a rename = %d, want %d", v, v1+1)
	}
	got, _ = s.Divisions(ctx)
	if i := slices.IndexFunc(got, func(d gazetteer.Division) bool { return d.Code == "110101" }); i < 0 || got[i].Name != "东城区（新）" {
		t.Errorf("rename not stored: %v", got)
	}

	// Other aliases replace the table.
	if err := s.SeedDivisions(ctx, divs, smallAliases()[:1]); err != nil {
		t.Fatal(err)
	}
	if aliases, _ := s.Aliases(ctx); len(aliases) != 1 {
		t.Errorf("aliases after replacing with one row: %v", aliases)
	}
	if v, _ := s.DataVersion(ctx); v != v1+2 {
		t.Errorf("data version after replacing aliases = %d, want %d", v, v1+2)
	}
}

func TestSeedDivisionsRejectsBadInputAtomically(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		divs    []gazetteer.Division
		aliases []gazetteer.Alias
		want    string
	}{
		{"unknown parent last", append(smallDivisions(), gazetteer.Division{Code: "990101", Name: "某区", Level: gazetteer.County, ParentCode: "990100"}),
			smallAliases(), "division 990101 (某区): unknown parent 990100"},
		{"short code", append(smallDivisions(), gazetteer.Division{Code: "9901", Name: "某市", Level: gazetteer.Prefecture, ParentCode: "990000"}),
			smallAliases(), `has code "9901"`},
		{"duplicate code", append(smallDivisions(), gazetteer.Division{Code: "110101", Name: "东城区", Level: gazetteer.County, ParentCode: "110000"}),
			smallAliases(), "110101 (东城区) listed twice"},
		{"bad level", append(smallDivisions(), gazetteer.Division{Code: "110199", Name: "某区", Level: "district", ParentCode: "110000"}),
			smallAliases(), `unknown level "district"`},
		{"province with parent", append(smallDivisions(), gazetteer.Division{Code: "990000", Name: "某省", Level: gazetteer.Province, ParentCode: "110000"}),
			smallAliases(), "only provinces have none"},
		{"alias to unknown code last", smallDivisions(),
			append(smallAliases(), gazetteer.Alias{Written: "某地区", ProvinceCode: "130000", Code: "139999", Kind: gazetteer.Renamed, Source: "test"}),
			`alias row 4 ("某地区"): unknown division code "139999"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			// A first, good seed with a different alias set, so that a failed
			// second seed would have something to damage.
			if err := s.SeedDivisions(ctx, smallDivisions()[:3], nil); err != nil {
				t.Fatal(err)
			}
			before := takeSnapshot(t, s)
			err := s.SeedDivisions(ctx, tt.divs, tt.aliases)
			if err == nil {
				t.Fatal("SeedDivisions accepted bad input")
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q: want ErrInvalid mentioning %q", err, tt.want)
			}
			if after := takeSnapshot(t, s); !sameSnapshot(before, after) {
				t.Errorf("failed seed changed %v to %v", before, after)
			}
		})
	}
}

func TestSeedRealGazetteer(t *testing.T) {
	ctx := context.Background()
	g, err := gazetteer.Load(geodata.FS())
	if err != nil {
		t.Fatal(err)
	}
	s := openTemp(t)
	if err := s.SeedDivisions(ctx, g.Divisions(), g.Aliases()); err != nil {
		t.Fatal(err)
	}
	divs, err := s.Divisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(divs) != 3342 {
		t.Errorf("%d divisions stored, want 3342", len(divs))
	}
	if !slices.Equal(divs, g.Divisions()) {
		t.Error("stored divisions differ from the gazetteer's")
	}
	aliases, err := s.Aliases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(aliases, g.Aliases()) {
		t.Errorf("stored %d aliases differ from the gazetteer's %d", len(aliases), len(g.Aliases()))
	}
	before := takeSnapshot(t, s)
	if err := s.SeedDivisions(ctx, g.Divisions(), g.Aliases()); err != nil {
		t.Fatal(err)
	}
	if after := takeSnapshot(t, s); !sameSnapshot(before, after) {
		t.Errorf("re-seeding the real gazetteer changed %v to %v", before, after)
	}
}

func TestBoundaryLayer(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, _, _, err := s.BoundaryLayer(ctx, "provinces"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing layer: err = %v, want ErrNotFound", err)
	}
	raw, err := fs.ReadFile(geodata.FS(), "provinces.layer.gz")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutBoundaryLayer(ctx, "provinces", "pmlayer1+gzip", "v1", raw); err != nil {
		t.Fatal(err)
	}
	data, format, version, err := s.BoundaryLayer(ctx, "provinces")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, raw) || format != "pmlayer1+gzip" || version != "v1" {
		t.Errorf("got %d bytes, %q, %q; want %d bytes, pmlayer1+gzip, v1", len(data), format, version, len(raw))
	}
	v, _ := s.DataVersion(ctx)

	// The same again: no change.
	if err := s.PutBoundaryLayer(ctx, "provinces", "pmlayer1+gzip", "v1", raw); err != nil {
		t.Fatal(err)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("putting the same layer again moved the data version from %d to %d", v, v2)
	}

	// A new version replaces the row.
	if err := s.PutBoundaryLayer(ctx, "provinces", "pmlayer1+gzip", "v2", []byte("other")); err != nil {
		t.Fatal(err)
	}
	data, _, version, _ = s.BoundaryLayer(ctx, "provinces")
	if string(data) != "other" || version != "v2" {
		t.Errorf("after replacing: %q, %q", data, version)
	}
	if v3, _ := s.DataVersion(ctx); v3 != v+1 {
		t.Errorf("data version after replacing = %d, want %d", v3, v+1)
	}
	var rows int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM boundary_layers").Scan(&rows); err != nil || rows != 1 {
		t.Errorf("boundary_layers has %d rows (%v), want 1", rows, err)
	}

	if err := s.PutBoundaryLayer(ctx, "", "x", "v", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty layer name: err = %v, want ErrInvalid", err)
	}
}
