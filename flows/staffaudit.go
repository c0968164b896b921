package flows

import (
	"log/slog"
	"slices"

	"frontdoor/flows/logattr"
)

// auditShown is how many audit entries /audit shows.
const auditShown = 10

// audited records a change; a failure to record is logged, the change stays.
func (s staffDialogue) audited(c *Centre, field, before, after string) {
	e := AuditEntry{At: s.d.now, Who: s.me.Pseudonym, Network: c.Network, Subject: c.ID, Field: field, Before: before, After: after}
	if err := s.d.svc.staff.AppendAudit(s.d.ctx, e); err != nil {
		s.d.svc.log.LogAttrs(s.d.ctx, slog.LevelError, "audit append failed", logattr.Event("store_error"), logattr.Op("audit"), logattr.Err(err))
	}
}

func (s staffDialogue) audit() {
	nets := s.me.networks(s.d.dir)
	if len(nets) == 0 {
		s.menu()
		return
	}
	var entries []AuditEntry
	for _, n := range nets {
		e, err := s.d.svc.staff.Audit(s.d.ctx, n.ID, auditShown)
		if err != nil {
			s.failed(err)
			return
		}
		entries = append(entries, e...)
	}
	if s.me.isAdmin() {
		all, err := s.d.svc.staff.Audit(s.d.ctx, "", auditShown)
		if err != nil {
			s.failed(err)
			return
		}
		entries = all
	}
	slices.SortFunc(entries, func(a, b AuditEntry) int { return b.At.Compare(a.At) })
	entries = entries[:min(len(entries), auditShown)]
	s.d.event = "staff_audit"
	texts := []Text{T("staff.audit_title")}
	if len(entries) == 0 {
		texts = append(texts, T("staff.audit_empty"))
	}
	for _, e := range entries {
		day := DateOf(e.At)
		texts = append(texts, T("staff.audit_item", "Date", dateText(day), "Time", clockOf(e.At), "Who", e.Who,
			"Subject", e.Subject, "Field", e.Field, "Before", orDash(e.Before), "After", orDash(e.After)))
	}
	s.reply(texts)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
