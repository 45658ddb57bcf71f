package server

import (
	"compress/gzip"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// site is the built frontend, read once: every file with its gzip form
// and ETag, by URL path.
type site struct {
	files map[string]*representation
}

// newSite reads the files of dist (nil: none). Dot files (dist/.keep) are
// left out. Without an index.html, / serves a short page saying the
// frontend is not built.
func (s *server) newSite(dist fs.FS) (*site, error) {
	st := &site{files: map[string]*representation{}}
	if dist != nil {
		err := fs.WalkDir(dist, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != "." {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			body, err := fs.ReadFile(dist, p)
			if err != nil {
				return err
			}
			st.files["/"+p] = s.newRepresentation(contentType(p), "public, no-cache", body, gzip.BestCompression)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read the frontend: %w", err)
		}
	}
	index, ok := st.files["/index.html"]
	if !ok {
		index = s.newRepresentation("text/html; charset=utf-8", "no-cache", []byte(fallbackPage), gzip.BestSpeed)
	}
	st.files["/"] = index
	return st, nil
}

// fallbackPage is served at / when the frontend was not built.
const fallbackPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>pilotmap</title></head>
<body>
<h1>pilotmap</h1>
<p>The web map is not built into this binary: run <code>make build</code> (or <code>make run</code>).
The API works: <a href="/api/v1/stats">/api/v1/stats</a>, <a href="/api/v1/provinces">/api/v1/provinces</a>,
<a href="/ogc">/ogc</a>.</p>
<p>网页地图尚未构建：请运行 <code>make build</code>。接口可用。</p>
</body></html>
`

// GET /{path}: a file of the frontend.
func (s *server) getStatic(w http.ResponseWriter, r *http.Request) error {
	p := r.URL.Path
	switch p {
	case "/index.html":
		p = "/"
	case "/admin":
		p = "/admin.html" // the admin page (web/src/admin.html)
	}
	rep, ok := s.site.files[path.Clean(p)]
	if !ok || (p != "/" && strings.HasSuffix(p, "/")) {
		return notFound("no route or file %s", clip(r.URL.Path))
	}
	serve(w, r, rep)
	return nil
}

// contentType names the media type of a file by its extension.
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".geojson":
		return ctypeGeoJSON
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".webp":
		return "image/webp"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".webmanifest":
		return "application/manifest+json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
