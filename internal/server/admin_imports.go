package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"pilotmap/internal/document"
	"pilotmap/internal/gazetteer"
	"pilotmap/internal/importer"
	"pilotmap/internal/store"
	"pilotmap/internal/world"
)

// maxUploadBytes bounds the body of POST /api/v1/admin/imports: the
// document (document.MaxBytes) and room for the multipart framing and the
// review.
const maxUploadBytes = document.MaxBytes + 1<<20

// maxReviewBytes bounds the review part.
const maxReviewBytes = 1 << 20

// upload is a document sent to the imports route, with the review.
type upload struct {
	data        []byte
	filename    string
	contentType string
	review      []byte // JSON; nil when not sent
}

// readUpload reads the document: the whole body, or the multipart part
// "file" (with an optional part "review"). Over the limit is a 413.
func readUpload(r *http.Request) (upload, error) {
	if r.ContentLength > maxUploadBytes {
		return upload{}, tooLarge(r.ContentLength)
	}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		data, err := readLimited(r.Body, document.MaxBytes)
		if err != nil {
			return upload{}, err
		}
		return upload{data: data, contentType: r.Header.Get("Content-Type")}, nil
	}
	if params["boundary"] == "" {
		return upload{}, newProblem(http.StatusBadRequest, "multipart body without a boundary")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return upload{}, newProblem(http.StatusBadRequest, "the multipart body cannot be read: "+err.Error())
	}
	var up upload
	seenFile := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if isTooLarge(err) {
				return upload{}, tooLarge(0)
			}
			return upload{}, newProblem(http.StatusBadRequest, "the multipart body cannot be read: "+err.Error())
		}
		switch part.FormName() {
		case "file":
			if seenFile {
				return upload{}, badParam("file", "given twice; send one document")
			}
			seenFile = true
			if up.data, err = readLimited(part, document.MaxBytes); err != nil {
				return upload{}, err
			}
			up.filename, up.contentType = part.FileName(), part.Header.Get("Content-Type")
		case "review":
			if up.review != nil {
				return upload{}, badParam("review", "given twice")
			}
			if up.review, err = readLimited(part, maxReviewBytes); err != nil {
				return upload{}, err
			}
		default:
			return upload{}, badParam(part.FormName(), "unknown part; the parts are file and review")
		}
	}
	if !seenFile {
		return upload{}, badParam("file", "the multipart body has no part named file")
	}
	return up, nil
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		if isTooLarge(err) {
			return nil, tooLarge(0)
		}
		return nil, newProblem(http.StatusBadRequest, "the body cannot be read: "+err.Error())
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(0)
	}
	return data, nil
}

func isTooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func tooLarge(n int64) *problem {
	if n > 0 {
		return newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("a document of %d bytes; notices over %d MB are refused", n, document.MaxBytes>>20))
	}
	return newProblem(http.StatusRequestEntityTooLarge, fmt.Sprintf("notices over %d MB are refused", document.MaxBytes>>20))
}

// convertUpload turns the uploaded bytes into notice text.
func (s *server) convertUpload(up upload) (*document.Document, error) {
	if len(up.data) == 0 {
		return nil, newProblem(http.StatusBadRequest, "the document is empty")
	}
	doc, err := s.converter.Convert(up.data, up.filename, up.contentType)
	switch {
	case err == nil:
		return doc, nil
	case errors.Is(err, document.ErrTooLarge):
		return nil, newProblem(http.StatusRequestEntityTooLarge, err.Error())
	case errors.Is(err, document.ErrUnknownFormat):
		return nil, newProblem(http.StatusUnsupportedMediaType, err.Error())
	case errors.Is(err, document.ErrNoTextLayer), errors.Is(err, document.ErrTimeout):
		return nil, newProblem(http.StatusUnprocessableEntity, err.Error())
	}
	return nil, newProblem(http.StatusUnprocessableEntity, "the document cannot be read: "+err.Error())
}

// documentDoc says what was uploaded and how it was read.
type documentDoc struct {
	Filename string   `json:"filename"`
	Format   string   `json:"format"`
	Bytes    int      `json:"bytes"`
	SHA256   string   `json:"sha256"` // of the bytes sent
	Encoding string   `json:"encoding,omitempty"`
	Pages    int      `json:"pages,omitempty"`
	Notes    []string `json:"notes"`
	// TextSHA256 is the sha256 of the text stored on publishing (the
	// converted text; for a .txt the bytes sent).
	TextSHA256 string `json:"text_sha256"`
}

func newDocumentDoc(up upload, doc *document.Document) documentDoc {
	sum, tsum := sha256.Sum256(up.data), sha256.Sum256(doc.Text)
	return documentDoc{Filename: up.filename, Format: string(doc.Format), Bytes: len(up.data), SHA256: hex.EncodeToString(sum[:]),
		Encoding: doc.Encoding, Pages: doc.Pages, Notes: nonNil(doc.Notes), TextSHA256: hex.EncodeToString(tsum[:])}
}

// metadataDoc is what the notice says about itself and where it would go.
type metadataDoc struct {
	Title     string `json:"title"`
	DocNumber string `json:"doc_number"`
	// Program and Batch are the ones given, else guessed from the notice
	// ("" and 0 when neither).
	Program string `json:"program"`
	Batch   int    `json:"batch"`
	// Problem says why Program or Batch is missing.
	Problem string `json:"problem,omitempty"`
	// Existing is the batch already stored under Program and Batch.
	Existing *existingBatchDoc `json:"existing_batch"`
}

type existingBatchDoc struct {
	ImportID  int64  `json:"import_id"`
	DocNumber string `json:"doc_number"`
	Title     string `json:"title"`
	Units     int    `json:"units"`
}

// reviewDoc is the reviewer's part of a publish.
type reviewDoc struct {
	Decisions []decisionDoc `json:"decisions"`
	// Designations replace those read from the notice when given (even
	// empty); absent, the notice's are stored.
	Designations *[]designationDoc `json:"designations"`
}

type decisionDoc struct {
	Line        int    `json:"line"`
	Written     string `json:"written"`
	Code        string `json:"code,omitempty"`
	NotDivision bool   `json:"not_division,omitempty"`
	Note        string `json:"note,omitempty"`
}

type designationDoc struct {
	ProvinceCode string `json:"province_code"`
	Kind         string `json:"kind"`
}

// POST /api/v1/admin/imports?dry_run=1 | ?program=NAME&batch=N
func (s *server) postImport(w http.ResponseWriter, r *http.Request, p principal) error {
	q := queryParams(r.URL)
	if err := q.strict("dry_run", "program", "batch"); err != nil {
		return err
	}
	dry, err := q.flag("dry_run")
	if err != nil {
		return err
	}
	program, err := q.text("program", false)
	if err != nil {
		return err
	}
	if !dry && program == "" {
		return badParam("program", "required: the program to publish into (a stored one, or a new name)")
	}
	batch, err := q.int("batch", 0, 1, 1000)
	if err != nil {
		return err
	}
	if !dry && batch == 0 {
		return badParam("batch", "required: the batch number to publish into")
	}
	wd, err := s.world(r.Context())
	if err != nil {
		return err
	}
	up, err := readUpload(r)
	if err != nil {
		return err
	}
	var review reviewDoc
	if up.review != nil {
		dec := json.NewDecoder(bytes.NewReader(up.review))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&review); err != nil {
			return badParam("review", "not the review JSON of docs/api.md: %v", err)
		}
	}
	doc, err := s.convertUpload(up)
	if err != nil {
		return err
	}
	known := make([]string, len(wd.Programs))
	for i, pr := range wd.Programs {
		known[i] = pr.Name
	}
	res, req, planErr := importer.Plan(wd.Gazetteer, doc.Text, importer.Options{Program: program, Batch: batch, KnownPrograms: known, Filename: up.filename})
	if res == nil {
		return newProblem(http.StatusUnprocessableEntity, "no list of pilot units can be read from the document: "+planErr.Error())
	}
	meta := metadataDoc{Title: res.Notice.Title, DocNumber: res.Notice.DocNumber, Program: res.Program, Batch: res.Batch}
	if planErr != nil {
		meta.Problem = strings.ReplaceAll(strings.ReplaceAll(planErr.Error(), "--program", "program="), "--batch", "batch=")
		if meta.Program == "" {
			meta.Program = program
		}
	}
	meta.Existing = existingBatch(wd, meta.Program, meta.Batch)
	if dry {
		return writeAdminJSON(w, http.StatusOK, struct {
			*importer.Result
			Metadata metadataDoc `json:"metadata"`
			Document documentDoc `json:"document"`
		}{res, meta, newDocumentDoc(up, doc)})
	}
	if planErr != nil {
		return newProblem(http.StatusUnprocessableEntity, planErr.Error())
	}
	decisions, err := applyReview(wd.Gazetteer, res, &req, review, p.actor)
	if err != nil {
		return err
	}
	dd := newDocumentDoc(up, doc)
	pub := store.PublishRequest{Import: req, Decisions: decisions, Audit: func(ir store.ImportResult) store.AuditEntry {
		after, _ := json.Marshal(map[string]any{"import_id": ir.ImportID, "batch_id": ir.BatchID, "units": ir.Units,
			"decisions": len(decisions), "designations": len(req.Designations), "doc_number": req.DocNumber,
			"filename": up.filename, "format": dd.Format, "sha256": dd.SHA256, "text_sha256": dd.TextSHA256})
		return store.AuditEntry{Actor: p.actor, Client: p.client, Action: store.AuditPublish,
			Target: fmt.Sprintf("%s batch %d", req.Program, req.BatchNumber),
			Detail: fmt.Sprintf("published %s as batch %d of %s: %d units, %d reviewer decisions", orDash(req.DocNumber), req.BatchNumber, req.Program, ir.Units, len(decisions)),
			After:  string(after)}
	}}
	ir, err := s.adminStore.Publish(r.Context(), pub)
	if err != nil {
		if c, ok := errors.AsType[*store.BatchConflictError](err); ok {
			return newProblem(http.StatusConflict, fmt.Sprintf("batch %d of %s already holds another notice (import %d, %s, text sha256 %s); nothing was stored",
				c.BatchNumber, c.Program, c.EarlierImportID, c.EarlierFilename, c.EarlierSHA256))
		}
		if errors.Is(err, store.ErrInvalid) {
			return newProblem(http.StatusUnprocessableEntity, err.Error()+"; nothing was stored")
		}
		return err
	}
	if _, err := s.worlds.Reload(r.Context()); err != nil {
		s.log.Warn("reload after publish failed; the next version check retries", "error", err)
	}
	status := http.StatusCreated
	if !ir.Created {
		status = http.StatusOK
	}
	return writeAdminJSON(w, status, map[string]any{
		"created": ir.Created, "import_id": ir.ImportID, "batch_id": ir.BatchID, "program": req.Program, "batch": req.BatchNumber,
		"units": ir.Units, "decisions": len(decisions), "designations": len(req.Designations), "data_version": ir.DataVersion, "document": dd,
	})
}

func orDash(s string) string {
	if s == "" {
		return "a notice without document number"
	}
	return s
}

// existingBatch is the batch stored under program and number, or nil.
func existingBatch(wd *world.World, program string, number int) *existingBatchDoc {
	for _, b := range wd.Batches {
		if b.Program == program && b.Number == number {
			return &existingBatchDoc{ImportID: b.ImportID, DocNumber: b.DocNumber, Title: b.Title, Units: b.Units}
		}
	}
	return nil
}

// rowKey identifies a row of the join table: its line and its text as
// written.
type rowKey struct {
	line    int
	written string
}

// applyReview applies the reviewer's decisions to the import request: every
// unmatched and unreadable row must have one; a decision may also override
// or leave out a matched row. Any decision that fits no row, a row left
// undecided, or a code that is no division (of the row's province) is a
// 422 naming them.
func applyReview(g *gazetteer.Gazetteer, res *importer.Result, req *store.ImportRequest, review reviewDoc, actor string) ([]store.Decision, error) {
	type row struct {
		province, provinceCode string
		matched                int // index in res.Units, -1 for unmatched and unreadable
	}
	rows := map[rowKey]row{}
	var open []rowKey // rows that need a decision, in order
	for i, u := range res.Units {
		rows[rowKey{u.Line, u.Written}] = row{u.Province, u.ProvinceCode, i}
	}
	for _, u := range res.Unmatched {
		k := rowKey{u.Line, u.Written}
		rows[k] = row{u.Province, u.ProvinceCode, -1}
		open = append(open, k)
	}
	for _, u := range res.Unreadable {
		k := rowKey{u.Line, u.Text}
		rows[k] = row{u.Province, "", -1}
		open = append(open, k)
	}
	decided := map[rowKey]bool{}
	dropped := map[int]bool{}
	overrides := map[int]store.NewPilotUnit{}
	var added []store.NewPilotUnit
	var out []store.Decision
	var problems []string
	for _, d := range review.Decisions {
		k := rowKey{d.Line, d.Written}
		rw, ok := rows[k]
		if !ok {
			problems = append(problems, fmt.Sprintf("line %d %q: no such row in the join table", d.Line, d.Written))
			continue
		}
		if decided[k] {
			problems = append(problems, fmt.Sprintf("line %d %q: decided twice", d.Line, d.Written))
			continue
		}
		decided[k] = true
		sd := store.Decision{Line: d.Line, Written: d.Written, ProvinceCode: rw.provinceCode, Note: d.Note, DecidedBy: actor}
		switch {
		case d.NotDivision && d.Code != "":
			problems = append(problems, fmt.Sprintf("line %d %q: both a code and not_division", d.Line, d.Written))
			continue
		case d.NotDivision:
			sd.Kind = store.DecisionNotDivision
			if rw.matched >= 0 {
				dropped[rw.matched] = true
			}
		default:
			div, ok := g.Division(d.Code)
			if !ok || div.Level == gazetteer.Province {
				problems = append(problems, fmt.Sprintf("line %d %q: %q is not a prefecture- or county-level division", d.Line, d.Written, clip(d.Code)))
				continue
			}
			if rw.provinceCode != "" && gazetteer.ProvinceOf(div.Code) != rw.provinceCode {
				problems = append(problems, fmt.Sprintf("line %d %q: %s %s is not in %s", d.Line, d.Written, div.Code, div.Name, rw.province))
				continue
			}
			sd.Kind, sd.Code = store.DecisionDivision, div.Code
			cmp, _ := g.ComparableOf(div.Code)
			u := store.NewPilotUnit{Code: div.Code, ProvinceCode: gazetteer.ProvinceOf(div.Code), ComparableCode: cmp.Code,
				ProvinceWritten: rw.province, Written: d.Written, Line: d.Line, Rule: "reviewer", Confidence: 1}
			if rw.matched >= 0 {
				overrides[rw.matched] = u
			} else {
				added = append(added, u)
			}
		}
		out = append(out, sd)
	}
	var undecided []string
	for _, k := range open {
		if !decided[k] {
			undecided = append(undecided, fmt.Sprintf("line %d %q", k.line, k.written))
		}
	}
	if len(undecided) > 0 {
		problems = append(problems, fmt.Sprintf("%d rows are unmatched or unreadable and have no decision: %s", len(undecided), strings.Join(first(undecided, 10), "; ")))
	}
	if len(problems) > 0 {
		return nil, newProblem(http.StatusUnprocessableEntity, "the review does not fit the notice; nothing was stored: "+strings.Join(first(problems, 10), "; "))
	}
	units := make([]store.NewPilotUnit, 0, len(req.Units)+len(added))
	for i, u := range req.Units {
		switch {
		case dropped[i]:
		case overrides[i].Code != "":
			units = append(units, overrides[i])
		default:
			units = append(units, u)
		}
	}
	units = append(units, added...)
	seen := map[string]int{}
	for _, u := range units {
		if line, dup := seen[u.Code]; dup {
			return nil, newProblem(http.StatusUnprocessableEntity, fmt.Sprintf("%s (line %d %q) is listed twice, first on line %d: leave one out (not_division) or choose another; nothing was stored", u.Code, u.Line, u.Written, line))
		}
		seen[u.Code] = u.Line
	}
	req.Units = units
	if review.Designations != nil {
		req.Designations = nil
		for _, d := range *review.Designations {
			div, ok := g.Division(d.ProvinceCode)
			if !ok || div.Level != gazetteer.Province {
				return nil, badParam("review", "designation: %q is not a province code", clip(d.ProvinceCode))
			}
			kind := d.Kind
			if kind == "" {
				return nil, badParam("review", "designation of %s: kind is required (e.g. %s)", div.Name, store.DesignationFullPromotion)
			}
			req.Designations = append(req.Designations, store.NewDesignation{ProvinceCode: div.Code, Written: div.Name, Kind: kind})
		}
	}
	if len(req.Units) == 0 {
		return nil, newProblem(http.StatusUnprocessableEntity, "no pilot unit is left to publish; nothing was stored")
	}
	return out, nil
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("and %d more", len(s)-n))
	}
	return s
}
