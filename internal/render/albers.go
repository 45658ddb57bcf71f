package render

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// EarthRadius is the radius in metres of the sphere the projections use:
// the mean radius of the WGS 84 ellipsoid (IUGG R1). At the scale of a
// slide the sphere is indistinguishable from the ellipsoid, and d3 and
// most web maps project on it too.
const EarthRadius = 6371008.8

// Albers is the Albers equal-area conic projection on the sphere (Snyder,
// Map Projections: A Working Manual, 1987, pp. 98–100). It maps lon/lat in
// degrees to metres east and north of the origin; areas are true
// everywhere, distances along the two standard parallels.
type Albers struct {
	lon0 float64 // central meridian, radians
	n    float64 // cone constant
	c    float64
	rho0 float64 // radius of the origin's parallel, metres
}

// NewAlbers returns the projection with central meridian lon0, standard
// parallels lat1 and lat2 and origin latitude lat0, all in degrees. The
// standard parallels must not be symmetric about the equator.
func NewAlbers(lon0, lat1, lat2, lat0 float64) (Albers, error) {
	s1, s2 := math.Sin(rad(lat1)), math.Sin(rad(lat2))
	n := (s1 + s2) / 2
	if math.Abs(n) < 1e-9 || math.Abs(lat1) > 90 || math.Abs(lat2) > 90 {
		return Albers{}, fmt.Errorf("albers: standard parallels %g and %g do not define a cone", lat1, lat2)
	}
	c1 := math.Cos(rad(lat1))
	a := Albers{lon0: rad(lon0), n: n, c: c1*c1 + 2*n*s1}
	a.rho0 = a.rho(rad(lat0))
	return a, nil
}

// ChinaAlbers is the projection of the national map: standard parallels
// 25°N and 47°N, central meridian 105°E, origin on the equator — the
// usual equal-area conic for maps of China.
func ChinaAlbers() Albers {
	a, err := NewAlbers(105, 25, 47, 0)
	if err != nil {
		panic(err) // constant arguments
	}
	return a
}

// fitAlbers returns an Albers projection suited to a region: central
// meridian through its middle, standard parallels one sixth of its
// latitude span inside its edges (Snyder's rule of thumb), origin at its
// middle latitude.
func fitAlbers(b orb.Bound) (Albers, error) {
	lon0 := (b.Min[0] + b.Max[0]) / 2
	span := b.Max[1] - b.Min[1]
	lat1, lat2 := b.Min[1]+span/6, b.Max[1]-span/6
	if lat1+lat2 < 1e-6 && lat1+lat2 > -1e-6 {
		lat1, lat2 = b.Min[1], b.Max[1]
	}
	return NewAlbers(lon0, lat1, lat2, (b.Min[1]+b.Max[1])/2)
}

func (a Albers) rho(phi float64) float64 {
	return EarthRadius * math.Sqrt(math.Max(a.c-2*a.n*math.Sin(phi), 0)) / a.n
}

// Project maps a longitude and latitude in degrees to x (east) and y
// (north) in metres.
func (a Albers) Project(lon, lat float64) (x, y float64) {
	r := a.rho(rad(lat))
	theta := a.n * (rad(lon) - a.lon0)
	return r * math.Sin(theta), a.rho0 - r*math.Cos(theta)
}

// ParallelScale is the scale factor along the parallel at latitude lat
// (degrees): 1 on the standard parallels. The scale along the meridian is
// its inverse (the projection is equal-area).
func (a Albers) ParallelScale(lat float64) float64 {
	phi := rad(lat)
	return a.rho(phi) * a.n / (EarthRadius * math.Cos(phi))
}

func rad(deg float64) float64 { return deg * math.Pi / 180 }

// Inverse maps x (east) and y (north) in metres back to longitude and
// latitude in degrees.
func (a Albers) Inverse(x, y float64) (lon, lat float64) {
	dy := a.rho0 - y
	r := math.Hypot(x, dy)
	theta := math.Atan2(x, dy)
	if a.n < 0 {
		r = -r
		theta = math.Atan2(-x, -dy)
	}
	q := r * a.n / EarthRadius
	s := (a.c - q*q) / (2 * a.n)
	s = math.Max(-1, math.Min(1, s))
	return (a.lon0 + theta/a.n) * 180 / math.Pi, math.Asin(s) * 180 / math.Pi
}
