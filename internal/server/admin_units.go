package server

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"pilotmap/internal/store"
)

// maxStatusBytes bounds the body of a status change.
const maxStatusBytes = 16 << 10

// historyDoc is a row of a pilot unit's status history.
type historyDoc struct {
	Status        string `json:"status"`
	Reason        string `json:"reason"`
	EffectiveDate string `json:"effective_date"`
	RecordedAt    string `json:"recorded_at"`
	By            string `json:"by"`
	ImportID      int64  `json:"import_id,omitempty"`
}

func historyJSON(evs []store.StatusEvent) []historyDoc {
	out := make([]historyDoc, len(evs))
	for i, e := range evs {
		out[i] = historyDoc{Status: string(e.Status), Reason: e.Reason, EffectiveDate: e.EffectiveDate,
			RecordedAt: e.At.UTC().Format(time.RFC3339), By: e.Actor, ImportID: e.ImportID}
	}
	return out
}

// POST /api/v1/admin/units/{id}/status with {"status","reason","effective_date"}
func (s *server) postUnitStatus(w http.ResponseWriter, r *http.Request, p principal) error {
	if err := queryParams(r.URL).strict(); err != nil {
		return err
	}
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id < 1 {
		return notFoundParam("id", "%q is not a pilot unit id", clip(mux.Vars(r)["id"]))
	}
	var in struct {
		Status        string `json:"status"`
		Reason        string `json:"reason"`
		EffectiveDate string `json:"effective_date"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxStatusBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return newProblem(http.StatusBadRequest, `the body is not {"status": "revoked"|"active", "reason": …, "effective_date": "YYYY-MM-DD"}: `+err.Error())
	}
	st := store.Status(in.Status)
	if !st.Valid() {
		return badParam("status", "want revoked or active, got %q", clip(in.Status))
	}
	if strings.TrimSpace(in.Reason) == "" {
		return badParam("reason", "required: why the status changes (e.g. the notice that revokes it)")
	}
	if len(in.Reason) > 2000 {
		return badParam("reason", "%d bytes, at most 2000", len(in.Reason))
	}
	if !store.ValidDate(in.EffectiveDate) {
		return badParam("effective_date", "want a date YYYY-MM-DD, got %q", clip(in.EffectiveDate))
	}
	if in.EffectiveDate > time.Now().UTC().Add(14*time.Hour).Format(time.DateOnly) {
		return badParam("effective_date", "%s is in the future: a change is recorded when it takes effect", in.EffectiveDate)
	}
	ev, err := s.adminStore.ChangeStatus(r.Context(), store.StatusRequest{
		UnitID: id, Status: st, Reason: strings.TrimSpace(in.Reason), EffectiveDate: in.EffectiveDate, Actor: p.actor,
		Audit: func(before store.PilotUnit, ev store.StatusEvent) store.AuditEntry {
			b, _ := json.Marshal(map[string]any{"status": before.Status, "status_since": before.StatusSince.UTC().Format(time.RFC3339)})
			a, _ := json.Marshal(map[string]any{"status": ev.Status, "reason": ev.Reason, "effective_date": ev.EffectiveDate})
			return store.AuditEntry{Actor: p.actor, Client: p.client, Action: store.AuditUnitStatus,
				Target: fmt.Sprintf("pilot unit %d (%s %s, %s batch %d)", before.ID, before.Code, before.Name, before.Program, before.BatchNumber),
				Detail: fmt.Sprintf("%s → %s from %s: %s", before.Status, ev.Status, ev.EffectiveDate, ev.Reason), Before: string(b), After: string(a)}
		},
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return notFoundParam("id", "%d is not a pilot unit", id)
	case errors.Is(err, store.ErrConflict):
		return newProblem(http.StatusConflict, err.Error()+"; nothing was stored")
	case errors.Is(err, store.ErrInvalid):
		return newProblem(http.StatusBadRequest, err.Error())
	case err != nil:
		return err
	}
	if _, err := s.worlds.Reload(r.Context()); err != nil {
		s.log.Warn("reload after a status change failed; the next version check retries", "error", err)
	}
	hist, err := s.adminStore.UnitHistory(r.Context(), id)
	if err != nil {
		return err
	}
	return writeAdminJSON(w, http.StatusOK, map[string]any{"id": id, "status": ev.Status, "history": historyJSON(hist)})
}

// auditDoc is an entry of GET /api/v1/admin/audit.
type auditDoc struct {
	ID     int64           `json:"id"`
	At     string          `json:"at"`
	Actor  string          `json:"actor"`
	Client string          `json:"client"`
	Action string          `json:"action"`
	Target string          `json:"target"`
	Detail string          `json:"detail"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

func rawOrNull(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		if s == "" {
			return json.RawMessage("null")
		}
		b, _ := json.Marshal(s)
		return b
	}
	return json.RawMessage(s)
}

// GET /api/v1/admin/audit?limit=&before=&format=json|csv
func (s *server) getAudit(w http.ResponseWriter, r *http.Request, p principal) error {
	q := queryParams(r.URL)
	if err := q.strict("limit", "before", "format"); err != nil {
		return err
	}
	format, _, err := q.given("format")
	if err != nil {
		return err
	}
	if format != "" && format != "json" && format != "csv" {
		return badParam("format", "want json or csv, got %q", clip(format))
	}
	defLimit := 100
	if format == "csv" {
		defLimit = 0 // the whole log
	}
	limit, err := q.int("limit", defLimit, 1, 1000)
	if err != nil {
		return err
	}
	before, err := q.int("before", 0, 1, 1<<53)
	if err != nil {
		return err
	}
	entries, err := s.adminStore.AuditLog(r.Context(), store.AuditQuery{BeforeID: int64(before), Limit: limit})
	if err != nil {
		return err
	}
	if format == "csv" {
		return writeAuditCSV(w, entries)
	}
	out := make([]auditDoc, len(entries))
	for i, e := range entries {
		out[i] = auditDoc{e.ID, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Client, e.Action, e.Target, e.Detail, rawOrNull(e.Before), rawOrNull(e.After)}
	}
	doc := map[string]any{"entries": out, "next": nil}
	if limit > 0 && len(entries) == limit {
		doc["next"] = fmt.Sprintf("%s/audit?limit=%d&before=%d", adminPath, limit, entries[len(entries)-1].ID)
	}
	return writeAdminJSON(w, http.StatusOK, doc)
}

func writeAuditCSV(w http.ResponseWriter, entries []store.AuditEntry) error {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="pilotmap-audit.csv"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write([]byte("\ufeff")) // so spreadsheet programs read UTF-8
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "actor", "client", "action", "target", "detail", "before", "after"})
	for _, e := range entries {
		cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), inertCell(e.Actor), inertCell(e.Client),
			e.Action, inertCell(e.Target), inertCell(e.Detail), inertCell(e.Before), inertCell(e.After)})
	}
	cw.Flush()
	return cw.Error()
}

// inertCell keeps a spreadsheet from reading a cell as a formula.
func inertCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
