package boundaryfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// A zipped Shapefile: the .shp (polygons), .dbf (attributes) and .prj
// (coordinate system) of one layer, optionally a .cpg naming the .dbf's
// encoding. No Shapefile module is served by the Go proxy this project
// builds from, so this reads the ESRI Shapefile Technical Description's
// polygon records (types 5, 15, 25) and dBase III records itself.

// maxZipEntry bounds one unzipped member, so a zip bomb is an error.
const maxZipEntry = 1 << 30

func readShapefileZip(data []byte) (*File, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("boundary file: zip: %w", err)
	}
	parts := map[string][]byte{} // extension → bytes
	layer := ""
	for _, zf := range zr.File {
		ext := strings.ToLower(path.Ext(zf.Name))
		switch ext {
		case ".shp", ".dbf", ".prj", ".cpg":
		default:
			continue
		}
		base := strings.TrimSuffix(path.Base(zf.Name), path.Ext(zf.Name))
		if layer == "" {
			layer = base
		} else if base != layer {
			return nil, fmt.Errorf("boundary file: zip holds more than one Shapefile (%s and %s); zip one", layer, base)
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("boundary file: zip %s: %w", zf.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxZipEntry+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("boundary file: zip %s: %w", zf.Name, err)
		}
		if len(b) > maxZipEntry {
			return nil, fmt.Errorf("boundary file: zip %s: larger than %d bytes", zf.Name, maxZipEntry)
		}
		parts[ext] = b
	}
	for _, ext := range []string{".shp", ".dbf", ".prj"} {
		if parts[ext] == nil {
			return nil, fmt.Errorf("boundary file: the zip has no %s file (a Shapefile needs .shp, .dbf and .prj)", ext)
		}
	}
	if err := checkPRJ(string(parts[".prj"])); err != nil {
		return nil, err
	}
	shapes, err := readSHP(parts[".shp"])
	if err != nil {
		return nil, fmt.Errorf("boundary file: %s.shp: %w", layer, err)
	}
	records, err := readDBF(parts[".dbf"], strings.TrimSpace(string(parts[".cpg"])))
	if err != nil {
		return nil, fmt.Errorf("boundary file: %s.dbf: %w", layer, err)
	}
	if len(records) != len(shapes) {
		return nil, fmt.Errorf("boundary file: %s.shp has %d shapes, %s.dbf %d records", layer, len(shapes), layer, len(records))
	}
	f := &File{Format: FormatShapefile, Objects: []string{layer}}
	for i, s := range shapes {
		ft := Feature{Object: layer, Index: i, Properties: records[i].props, Geometry: s.geom, Kind: s.kind}
		if records[i].deleted {
			ft.Geometry, ft.Kind = nil, "deleted record"
		}
		f.Features = append(f.Features, ft)
	}
	return f, nil
}

// checkPRJ accepts geographic coordinates on WGS-84 or CGCS2000 (which
// agree to a few centimetres); anything else needs reprojecting first.
func checkPRJ(wkt string) error {
	w := strings.ToUpper(strings.TrimSpace(wkt))
	switch {
	case strings.HasPrefix(w, "PROJCS"):
		return fmt.Errorf("boundary file: the .prj is a projected system (%.60s…); reproject to longitude/latitude first (ogr2ogr -t_srs EPSG:4326)", wkt)
	case !strings.HasPrefix(w, "GEOGCS"):
		return fmt.Errorf("boundary file: the .prj is not a geographic system: %.60q", wkt)
	case strings.Contains(w, "WGS_1984") || strings.Contains(w, "WGS 84") || strings.Contains(w, "WGS84") ||
		strings.Contains(w, "CHINA_2000") || strings.Contains(w, "CGCS2000") || strings.Contains(w, "CGCS_2000"):
		return nil
	}
	return fmt.Errorf("boundary file: the .prj's datum is neither WGS-84 nor CGCS2000 (%.80s…); transform it first", wkt)
}

type shape struct {
	geom orb.MultiPolygon
	kind string
}

func readSHP(b []byte) ([]shape, error) {
	if len(b) < 100 || binary.BigEndian.Uint32(b[0:]) != 9994 {
		return nil, fmt.Errorf("not a .shp file")
	}
	if t := binary.LittleEndian.Uint32(b[32:]); t != 5 && t != 15 && t != 25 && t != 0 {
		return nil, fmt.Errorf("shape type %d: want polygons (5, 15 or 25)", t)
	}
	var out []shape
	for off := 100; off < len(b); {
		if off+12 > len(b) {
			return nil, fmt.Errorf("record at byte %d: truncated", off)
		}
		n := int(binary.BigEndian.Uint32(b[off+4:])) * 2
		rec := b[off+8:]
		if n < 4 || n > len(rec) {
			return nil, fmt.Errorf("record at byte %d: length %d past the end", off, n)
		}
		rec = rec[:n]
		off += 8 + n
		t := binary.LittleEndian.Uint32(rec)
		if t == 0 {
			out = append(out, shape{kind: "no geometry"})
			continue
		}
		if t != 5 && t != 15 && t != 25 {
			out = append(out, shape{kind: fmt.Sprintf("shape type %d", t)})
			continue
		}
		if len(rec) < 44 {
			return nil, fmt.Errorf("record %d: truncated", len(out)+1)
		}
		np, npts := int(binary.LittleEndian.Uint32(rec[36:])), int(binary.LittleEndian.Uint32(rec[40:]))
		if np < 0 || npts < 0 || 44+4*np+16*npts > len(rec) {
			return nil, fmt.Errorf("record %d: %d parts, %d points past its end", len(out)+1, np, npts)
		}
		starts := make([]int, np+1)
		for i := 0; i < np; i++ {
			starts[i] = int(binary.LittleEndian.Uint32(rec[44+4*i:]))
		}
		starts[np] = npts
		pts := rec[44+4*np:]
		var rings []orb.Ring
		for i := 0; i < np; i++ {
			if starts[i] > starts[i+1] || starts[i+1] > npts {
				return nil, fmt.Errorf("record %d: part %d starts at point %d", len(out)+1, i, starts[i])
			}
			r := make(orb.Ring, 0, starts[i+1]-starts[i])
			for j := starts[i]; j < starts[i+1]; j++ {
				r = append(r, orb.Point{
					math.Float64frombits(binary.LittleEndian.Uint64(pts[16*j:])),
					math.Float64frombits(binary.LittleEndian.Uint64(pts[16*j+8:]))})
			}
			rings = append(rings, r)
		}
		out = append(out, shape{geom: assembleRings(rings)})
	}
	return out, nil
}

// assembleRings makes polygons of a Shapefile's rings: clockwise rings are
// shells, counter-clockwise ones holes of the shell around them (of the
// first shell when none contains them).
func assembleRings(rings []orb.Ring) orb.MultiPolygon {
	var mp orb.MultiPolygon
	var holes []orb.Ring
	for _, r := range rings {
		if len(r) < 4 {
			continue
		}
		if r.Orientation() == orb.CW {
			mp = append(mp, orb.Polygon{r})
		} else {
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		if len(mp) == 0 {
			mp = append(mp, orb.Polygon{h}) // a lone ring the wrong way round: still a shell
			continue
		}
		at := 0
		for i, p := range mp {
			if planar.RingContains(p[0], h[0]) {
				at = i
				break
			}
		}
		mp[at] = append(mp[at], h)
	}
	return mp
}

type dbfRecord struct {
	props   map[string]any
	deleted bool
}

// readDBF reads dBase III records; text is UTF-8 unless the .cpg or the
// language driver byte says GBK (code page 936).
func readDBF(b []byte, cpg string) ([]dbfRecord, error) {
	if len(b) < 32 {
		return nil, fmt.Errorf("not a .dbf file")
	}
	count := int(binary.LittleEndian.Uint32(b[4:]))
	headerLen, recLen := int(binary.LittleEndian.Uint16(b[8:])), int(binary.LittleEndian.Uint16(b[10:]))
	gbk := b[29] == 0x4D || b[29] == 0x7A
	switch strings.ToUpper(cpg) {
	case "":
	case "UTF-8", "UTF8", "65001":
		gbk = false
	case "GBK", "936", "CP936", "GB2312", "GB18030":
		gbk = true
	default:
		return nil, fmt.Errorf(".cpg names encoding %q: want UTF-8 or GBK", cpg)
	}
	type field struct {
		name     string
		off, len int
	}
	var fields []field
	off := 1
	for p := 32; p+32 <= len(b) && b[p] != 0x0D; p += 32 {
		name := string(bytes.TrimRight(b[p:p+11], "\x00"))
		fields = append(fields, field{name: name, off: off, len: int(b[p+16])})
		off += int(b[p+16])
	}
	if headerLen+count*recLen > len(b) {
		return nil, fmt.Errorf("%d records of %d bytes past the end", count, recLen)
	}
	out := make([]dbfRecord, count)
	for i := range out {
		rec := b[headerLen+i*recLen : headerLen+(i+1)*recLen]
		out[i].deleted = rec[0] == '*'
		out[i].props = map[string]any{}
		for _, f := range fields {
			if f.off+f.len > len(rec) {
				return nil, fmt.Errorf("record %d: field %s past the record", i+1, f.name)
			}
			raw := bytes.TrimSpace(rec[f.off : f.off+f.len])
			if gbk {
				dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
				if err != nil {
					return nil, fmt.Errorf("record %d field %s: not GBK: %w", i+1, f.name, err)
				}
				raw = dec
			} else if !utf8.Valid(raw) {
				return nil, fmt.Errorf("record %d field %s: not UTF-8 (add a .cpg naming the encoding, e.g. GBK)", i+1, f.name)
			}
			out[i].props[f.name] = string(raw)
		}
	}
	return out, nil
}
