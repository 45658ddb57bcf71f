package boundaryfile

import (
	"math"
	"testing"
)

// Published WGS-84 → GCJ-02 pairs: the test points of the eviltransform
// project (Shanghai, Shenzhen, Beijing) and of Hutool's CoordinateUtil
// (Tiananmen), both implementations of the same published algorithm.
var gcjPoints = []struct {
	name               string
	wlon, wlat         float64
	glon, glat         float64
	outOfChinaExpected bool
}{
	{"上海", 121.5272106, 31.1774276, 121.531541859215, 31.17530398364597, false},
	{"深圳", 113.912316, 22.543847, 113.9171764808363, 22.540796131694766, false},
	{"北京", 116.377817, 39.911954, 116.38404722455657, 39.91334545536069, false},
	{"天安门", 116.404, 39.915, 116.41024449916938, 39.91640428150164, false},
}

func TestWGS84ToGCJ02KnownPoints(t *testing.T) {
	for _, p := range gcjPoints {
		lon, lat := WGS84ToGCJ02(p.wlon, p.wlat)
		if math.Abs(lon-p.glon) > 1e-9 || math.Abs(lat-p.glat) > 1e-9 {
			t.Errorf("%s: WGS84ToGCJ02(%v, %v) = %.12f, %.12f; want %.12f, %.12f", p.name, p.wlon, p.wlat, lon, lat, p.glon, p.glat)
		}
	}
}

func TestGCJ02ToWGS84KnownPoints(t *testing.T) {
	for _, p := range gcjPoints {
		lon, lat := GCJ02ToWGS84(p.glon, p.glat)
		// 1e-7 degrees is about a centimetre.
		if math.Abs(lon-p.wlon) > 1e-7 || math.Abs(lat-p.wlat) > 1e-7 {
			t.Errorf("%s: GCJ02ToWGS84(%v, %v) = %.9f, %.9f; want %.9f, %.9f", p.name, p.glon, p.glat, lon, lat, p.wlon, p.wlat)
		}
	}
}

func TestGCJ02OutsideChinaUnchanged(t *testing.T) {
	for _, p := range [][2]float64{{2.35, 48.85}, {139.69, 35.69}, {-74.0, 40.7}} {
		if lon, lat := GCJ02ToWGS84(p[0], p[1]); lon != p[0] || lat != p[1] {
			t.Errorf("GCJ02ToWGS84(%v) = %v, %v; outside China there is no offset", p, lon, lat)
		}
	}
}
