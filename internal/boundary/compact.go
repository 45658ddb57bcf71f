package boundary

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
)

// The compact layer format (files *.layer.gz) stores boundaries as integers
// on a grid of 1/Scale degree, delta- and zigzag-encoded as varints, then
// gzip-compressed: a few times smaller than GeoJSON and fast to read.
//
//	"PMLAYER1" magic
//	uvarint scale, uvarint feature count
//	per feature: six strings (uvarint length + UTF-8): code, name, level,
//	  province_code, parent_code, source; uvarint polygon count;
//	  per polygon: uvarint ring count; per ring: uvarint point count (the
//	  closing point is not stored), then per point varint dx, varint dy from
//	  the previous point of the file (the first from 0, 0).
const compactMagic = "PMLAYER1"

// CompactFormat names the compact layer format (in the store and elsewhere).
const CompactFormat = "pmlayer1"

// CompactScale is the grid of the compact files: 1/1024 degree, the
// quantization of the echarts source, so its points are stored exactly.
const CompactScale = 1024

// WriteCompact writes features in the compact layer format. The output
// depends only on the features (gzip without timestamp), so rebuilding from
// the same sources gives the same bytes. Coordinates must lie on the grid.
func WriteCompact(w io.Writer, features []Feature) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("compact layer: %w", err)
	}
	bw := bufio.NewWriter(zw)
	var buf [binary.MaxVarintLen64]byte
	uv := func(v uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], v)]) }
	sv := func(v int64) { bw.Write(buf[:binary.PutVarint(buf[:], v)]) }
	str := func(s string) { uv(uint64(len(s))); bw.WriteString(s) }
	bw.WriteString(compactMagic)
	uv(CompactScale)
	uv(uint64(len(features)))
	var px, py int64
	for _, f := range features {
		for _, s := range []string{f.Code, f.Name, f.Level, f.ProvinceCode, f.ParentCode, f.Source} {
			str(s)
		}
		uv(uint64(len(f.Geometry)))
		for _, p := range f.Geometry {
			uv(uint64(len(p)))
			for _, r := range p {
				n := len(r)
				if n > 0 && r[0] == r[n-1] {
					n--
				}
				uv(uint64(n))
				for _, pt := range r[:n] {
					x, y := math.Round(pt[0]*CompactScale), math.Round(pt[1]*CompactScale)
					if x != pt[0]*CompactScale || y != pt[1]*CompactScale {
						return fmt.Errorf("compact layer: feature %s: point %v is not on the 1/%d degree grid", f.Code, pt, CompactScale)
					}
					sv(int64(x) - px)
					sv(int64(y) - py)
					px, py = int64(x), int64(y)
				}
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("compact layer: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compact layer: %w", err)
	}
	return nil
}

// maxCount bounds every count read from a file, so a damaged file gives an
// error instead of a huge allocation.
const maxCount = 1 << 24

// ReadCompact reads a layer in the compact format and computes each
// feature's area and label point.
func ReadCompact(name string, r io.Reader) (*Layer, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", name, err)
	}
	br := bufio.NewReader(zr)
	fail := func(what string, err error) (*Layer, error) {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("layer %s: read %s: %w", name, what, err)
	}
	magic := make([]byte, len(compactMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != compactMagic {
		return nil, fmt.Errorf("layer %s: not a compact layer file (magic %q)", name, magic)
	}
	count := func() (int, error) {
		v, err := binary.ReadUvarint(br)
		if err != nil {
			return 0, err
		}
		if v > maxCount {
			return 0, fmt.Errorf("count %d too large", v)
		}
		return int(v), nil
	}
	scale, err := count()
	if err != nil || scale == 0 {
		return fail("scale", errors.Join(err, errors.New("scale must be positive")))
	}
	nf, err := count()
	if err != nil {
		return fail("feature count", err)
	}
	feats := make([]Feature, 0, nf)
	var px, py int64
	for i := 0; i < nf; i++ {
		var strs [6]string
		for j := range strs {
			n, err := count()
			if err != nil {
				return fail("string length", err)
			}
			b := make([]byte, n)
			if _, err := io.ReadFull(br, b); err != nil {
				return fail("string", err)
			}
			strs[j] = string(b)
		}
		f := Feature{Code: strs[0], Name: strs[1], Level: strs[2], ProvinceCode: strs[3], ParentCode: strs[4], Source: strs[5]}
		np, err := count()
		if err != nil {
			return fail("polygon count of "+f.Code, err)
		}
		f.Geometry = make(orb.MultiPolygon, np)
		for p := range f.Geometry {
			nr, err := count()
			if err != nil {
				return fail("ring count of "+f.Code, err)
			}
			f.Geometry[p] = make(orb.Polygon, nr)
			for k := range f.Geometry[p] {
				n, err := count()
				if err != nil {
					return fail("point count of "+f.Code, err)
				}
				ring := make(orb.Ring, n, n+1)
				for m := range ring {
					dx, err := binary.ReadVarint(br)
					if err != nil {
						return fail("point of "+f.Code, err)
					}
					dy, err := binary.ReadVarint(br)
					if err != nil {
						return fail("point of "+f.Code, err)
					}
					px, py = px+dx, py+dy
					ring[m] = orb.Point{float64(px) / float64(scale), float64(py) / float64(scale)}
				}
				if n > 0 {
					ring = append(ring, ring[0])
				}
				f.Geometry[p][k] = ring
			}
		}
		f.AreaKM2 = AreaKM2(f.Geometry)
		f.Label = LabelPoint(f.Geometry)
		feats = append(feats, f)
	}
	return NewLayer(name, feats)
}
