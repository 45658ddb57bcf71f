package boundaryfile

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// TopoJSON (github.com/topojson/topojson-specification): arcs shared by
// the polygons, optionally quantized (a transform, delta-encoded
// positions); an arc index i < 0 means arc ^i reversed. No TopoJSON module
// is served by the Go proxy this project builds from, so this decodes it
// into orb's types.

type topology struct {
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][]float64           `json:"arcs"`
	Objects map[string]topoGeometry `json:"objects"`
}

type topoGeometry struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Properties map[string]any  `json:"properties"`
	Arcs       json.RawMessage `json:"arcs"`
	Geometries []topoGeometry  `json:"geometries"`
}

func readTopoJSON(data []byte) (*File, error) {
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("boundary file: TopoJSON: %w", err)
	}
	// Object order as in the file: encoding/json maps lose it.
	var order struct {
		Objects orderedKeys `json:"objects"`
	}
	if err := json.Unmarshal(data, &order); err != nil {
		return nil, fmt.Errorf("boundary file: TopoJSON: %w", err)
	}
	arcs := make([]orb.LineString, len(t.Arcs))
	for i, a := range t.Arcs {
		ls := make(orb.LineString, len(a))
		var x, y float64
		for j, p := range a {
			if len(p) < 2 {
				return nil, fmt.Errorf("boundary file: TopoJSON: arc %d position %d has %d numbers", i, j, len(p))
			}
			if t.Transform != nil {
				x, y = x+p[0], y+p[1]
				ls[j] = orb.Point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				ls[j] = orb.Point{p[0], p[1]}
			}
		}
		arcs[i] = ls
	}
	f := &File{Format: FormatTopoJSON, Objects: order.Objects}
	for _, name := range order.Objects {
		o := t.Objects[name]
		geoms := []topoGeometry{o}
		if o.Type == "GeometryCollection" {
			geoms = o.Geometries
		}
		for i, g := range geoms {
			ft := Feature{Object: name, Index: i, Properties: g.Properties}
			if ft.Properties == nil {
				ft.Properties = map[string]any{}
			}
			if _, ok := ft.Properties["id"]; !ok && g.ID != nil {
				ft.Properties["id"] = g.ID
			}
			var err error
			switch g.Type {
			case "Polygon":
				var rings [][]int
				if err = json.Unmarshal(g.Arcs, &rings); err == nil {
					var p orb.Polygon
					p, err = topoPolygon(arcs, rings)
					ft.Geometry = orb.MultiPolygon{p}
				}
			case "MultiPolygon":
				var polys [][][]int
				if err = json.Unmarshal(g.Arcs, &polys); err == nil {
					for _, rings := range polys {
						p, perr := topoPolygon(arcs, rings)
						if perr != nil {
							err = perr
							break
						}
						ft.Geometry = append(ft.Geometry, p)
					}
				}
			case "":
				ft.Kind = "no geometry"
			default:
				ft.Kind = g.Type
			}
			if err != nil {
				return nil, fmt.Errorf("boundary file: TopoJSON object %s geometry %d: %w", name, i, err)
			}
			f.Features = append(f.Features, ft)
		}
	}
	return f, nil
}

// topoPolygon joins each ring's arcs, dropping the first point of every arc
// after the first (it repeats the previous arc's last point).
func topoPolygon(arcs []orb.LineString, rings [][]int) (orb.Polygon, error) {
	p := make(orb.Polygon, 0, len(rings))
	for _, refs := range rings {
		var r orb.Ring
		for k, ref := range refs {
			idx := ref
			if ref < 0 {
				idx = ^ref
			}
			if idx >= len(arcs) {
				return nil, fmt.Errorf("arc %d of %d", idx, len(arcs))
			}
			a := arcs[idx]
			pts := make([]orb.Point, len(a))
			copy(pts, a)
			if ref < 0 {
				for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
					pts[i], pts[j] = pts[j], pts[i]
				}
			}
			if k > 0 && len(pts) > 0 {
				pts = pts[1:]
			}
			r = append(r, pts...)
		}
		p = append(p, r)
	}
	return p, nil
}

// orderedKeys reads a JSON object's keys in order.
type orderedKeys []string

func (k *orderedKeys) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key %v", tok)
		}
		*k = append(*k, key)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}
