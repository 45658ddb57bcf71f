package boundaryfile

import "math"

// GCJ-02 is the obfuscated datum of maps published in China: WGS-84 plus a
// published non-linear offset on the Krasovsky ellipsoid (a = 6378245 m,
// e² = 0.00669342162296594323), a few hundred metres. WGS84ToGCJ02 applies
// the offset; GCJ02ToWGS84 inverts it by fixed-point iteration to well
// under a centimetre. Outside mainland China's box there is no offset.

const (
	krasovskyA  = 6378245.0
	krasovskyE2 = 0.00669342162296594323
)

// outOfChina is the published rough box outside which no offset applies.
func outOfChina(lon, lat float64) bool {
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
}

func transformLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func transformLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// gcjOffset is the offset (degrees) GCJ-02 adds at a WGS-84 point.
func gcjOffset(lon, lat float64) (dlon, dlat float64) {
	dlat = transformLat(lon-105.0, lat-35.0)
	dlon = transformLon(lon-105.0, lat-35.0)
	rad := lat / 180.0 * math.Pi
	magic := 1 - krasovskyE2*math.Sin(rad)*math.Sin(rad)
	sq := math.Sqrt(magic)
	dlat = (dlat * 180.0) / ((krasovskyA * (1 - krasovskyE2)) / (magic * sq) * math.Pi)
	dlon = (dlon * 180.0) / (krasovskyA / sq * math.Cos(rad) * math.Pi)
	return dlon, dlat
}

// WGS84ToGCJ02 converts a WGS-84 point to GCJ-02.
func WGS84ToGCJ02(lon, lat float64) (float64, float64) {
	if outOfChina(lon, lat) {
		return lon, lat
	}
	dlon, dlat := gcjOffset(lon, lat)
	return lon + dlon, lat + dlat
}

// GCJ02ToWGS84 converts a GCJ-02 point to WGS-84: it finds the WGS-84
// point whose GCJ-02 image is the given one (the offset changes slowly, so
// each step shrinks the error about a thousandfold).
func GCJ02ToWGS84(lon, lat float64) (float64, float64) {
	if outOfChina(lon, lat) {
		return lon, lat
	}
	wlon, wlat := lon, lat
	for i := 0; i < 10; i++ {
		glon, glat := WGS84ToGCJ02(wlon, wlat)
		dx, dy := glon-lon, glat-lat
		wlon, wlat = wlon-dx, wlat-dy
		if math.Abs(dx) < 1e-10 && math.Abs(dy) < 1e-10 {
			break
		}
	}
	return wlon, wlat
}
