package flows

import (
	"frontdoor/flows/directory"
	"slices"
	"strings"
	"time"
)

// auditShown is how many audit entries /audit shows.
const auditShown = 10

// audited records a change of a centre.
func (s staffDialogue) audited(c *directory.Centre, field, before, after string) {
	s.record(AuditEntry{Network: c.Network, Subject: c.ID, Field: field, Before: before, After: after})
}

// record stamps a change with her pseudonym and the time and appends it to
// the audit trail.
func (s staffDialogue) record(e AuditEntry) {
	e.At, e.Who = s.d.now, s.me.Pseudonym
	s.d.svc.audit(s.d.ctx, e)
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
	staff, err := s.d.svc.staff.ListStaff(s.d.ctx)
	if err != nil {
		s.failed(err)
		return
	}
	names := make(map[string]string, len(staff))
	for _, e := range staff {
		names[e.Staff.Pseudonym] = e.Staff.Name
	}
	// who names a member of staff as she chose to be called, with her
	// pseudonym, which the trail keeps whatever her name becomes.
	who := func(pseudonym string) any {
		if n := names[pseudonym]; n != "" {
			return T("staff.audit_who", "Name", n, "Pseudonym", pseudonym)
		}
		return pseudonym
	}
	s.d.event = "staff_audit"
	texts := []Text{T("staff.audit_title")}
	if len(entries) == 0 {
		texts = append(texts, T("staff.audit_empty"))
	}
	for _, e := range entries {
		day := directory.DateOf(e.At)
		subject := s.auditSubject(e)
		if e.Field == "role" {
			subject = who(e.Subject)
		}
		texts = append(texts, T("staff.audit_item", "Date", dateText(day), "Time", clockOf(e.At), "Who", who(e.Who),
			"Subject", subject, "Field", auditField(e.Field), "Before", s.auditValue(e.Field, e.Before), "After", s.auditValue(e.Field, e.After)))
	}
	s.reply(texts)
}

// auditSubject names what an entry changed: a centre or a network by its
// name (its id once it is gone), the directory, or a member of staff.
func (s staffDialogue) auditSubject(e AuditEntry) any {
	if c, ok := s.d.dir.Centre(e.Subject); ok {
		return c.Name
	}
	if n, ok := s.d.dir.Network(e.Subject); ok && e.Network == n.ID {
		return n.Name
	}
	if e.Subject == "sample" {
		return T("field.directory")
	}
	return e.Subject
}

// otherAuditFields are the subjects of changes in the audit trail, beside
// the fields of a centre (directory.Fields), that have a name in her
// language ("field.<name>").
var otherAuditFields = []string{"centre", "publish", "sample", "phone_24h", "role", "province"}

// fieldText names a field of the audit trail or of an import in her
// language: a field of a centre, by its name or a former one, or another
// subject of changes.
func fieldText(f string) (Text, bool) {
	if cf, ok := directory.FieldNamed(f); ok {
		return T("field." + cf.Name), true
	}
	if slices.Contains(otherAuditFields, f) {
		return T("field." + f), true
	}
	return Text{}, false
}

// fieldTexts names fields in her language; an unknown one stays as it is.
func fieldTexts(fields []string) []Text {
	out := make([]Text, len(fields))
	for i, f := range fields {
		out[i] = Raw(f)
		if t, ok := fieldText(f); ok {
			out[i] = t
		}
	}
	return out
}

// auditField names a field of the audit trail in her language.
func auditField(f string) any {
	if kind, ok := strings.CutPrefix(f, "import "); ok && slices.Contains([]string{"added", "removed", "changed"}, kind) {
		return T("field.import_" + kind)
	}
	if t, ok := fieldText(f); ok {
		return t
	}
	return f
}

// auditValue shows a value of the audit trail in her language: weekdays,
// months, services, languages and roles named, numbers grouped.
func (s staffDialogue) auditValue(field, v string) any {
	if v == "" {
		return "—"
	}
	switch field {
	case "hours":
		return auditWeek(v)
	case "closure":
		if cl, ok := parseClosureString(v); ok {
			return closureText(cl)
		}
	case "services":
		return keyTexts(directory.SplitList(v), "service.", directory.ServiceKeys)
	case "languages":
		var names []string
		for _, l := range directory.SplitList(v) {
			names = append(names, directory.LanguageName(l))
		}
		return strings.Join(names, ", ")
	case "phones", "phone_24h":
		return directory.PhonesText(directory.SplitList(v))
	case "role":
		parts := strings.Split(v, " ")
		if len(parts) == 3 && slices.Contains(Roles, Role(parts[0])) {
			return s.grantTexts([]Grant{{Role: Role(parts[0]), Network: parts[1], Centre: parts[2]}})[0]
		}
	case "import changed":
		return fieldTexts(directory.SplitList(v))
	case "publish":
		return T("staff.audit_" + v)
	}
	return v
}

// keyTexts names keys in her language (the message prefix+key) when they
// are known, and shows the others as they are.
func keyTexts(keys []string, prefix string, known []string) []Text {
	out := make([]Text, len(keys))
	for i, k := range keys {
		out[i] = Raw(k)
		if slices.Contains(known, k) {
			out[i] = T(prefix + k)
		}
	}
	return out
}

// auditWeek reads a week of the audit trail ("Mon 9:00–13:00; Tue …") and
// names its days in her language; what it cannot read stays as it is.
func auditWeek(v string) any {
	var days []Text
	for _, part := range strings.Split(v, "; ") {
		name, hours, ok := strings.Cut(part, " ")
		wd, known := englishDays[name]
		if !ok || !known {
			return v
		}
		days = append(days, T("staff.day_hours", "Day", weekdayText(wd), "Hours", hours))
	}
	out := days[0]
	for _, d := range days[1:] {
		out = T("staff.audit_then", "A", out, "B", d)
	}
	return out
}

// englishDays reads the three-letter days of directory.WeekString.
var englishDays = map[string]time.Weekday{"Sun": 0, "Mon": 1, "Tue": 2, "Wed": 3, "Thu": 4, "Fri": 5, "Sat": 6}

// parseClosureString reads what closureString wrote.
func parseClosureString(v string) (directory.Closure, bool) {
	dates, reason, _ := strings.Cut(v, " ")
	from, to, ok := strings.Cut(dates, "..")
	if !ok {
		return directory.Closure{}, false
	}
	a, errA := directory.ParseDate(from)
	b, errB := directory.ParseDate(to)
	if errA != nil || errB != nil {
		return directory.Closure{}, false
	}
	return directory.Closure{From: a, To: b, Reason: reason}, true
}
