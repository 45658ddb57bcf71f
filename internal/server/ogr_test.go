package server

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"pilotmap/internal/geoscheck"
)

// TestOGRReadsOGC has GDAL read every OGC API collection from a real HTTP
// server, as QGIS would, into a GeoPackage: ogr2ogr must print no warning
// (one geometry type per collection, plain numeric fields), and GEOS must
// find every feature it read valid.
func TestOGRReadsOGC(t *testing.T) {
	c := geoscheck.New(t)
	srv := httptest.NewServer(newTestRouter(t))
	defer srv.Close()
	for _, name := range newLayerCatalog().served(ogcLayer) {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), name+".gpkg")
			stderr := c.Convert(t, "-f", "GPKG", out, "OAPIF:"+srv.URL+"/ogc", name)
			if strings.TrimSpace(stderr) != "" {
				t.Errorf("ogr2ogr warned:\n%s", stderr)
			}
			for _, p := range c.InvalidInFile(t, out, name, "geom") {
				t.Errorf("%s %s: %s", name, p.Code, p.Reason)
			}
		})
	}
}
