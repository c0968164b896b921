package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
)

// DirectoryCodec reads and writes the human-editable directory file. It is
// injected (flows/dirfile provides it) because that package builds on this
// one.
type DirectoryCodec interface {
	Decode(r io.Reader) (DirectoryData, error)
	// Encode writes the file with its comments in lang.
	Encode(w io.Writer, d DirectoryData, lang string) error
}

// maxImport bounds a directory file sent through the bot; the pending file
// waits in her (sealed) session until she confirms.
const maxImport = 256 << 10

// maxProblemsShown is how many problems of a refused file the bot lists,
// to keep them in one message; she fixes them and sends the file again.
const maxProblemsShown = 20

// dataImport is the Session.Data key of a file waiting for confirmation.
const dataImport = "import"

// exportName is the file name of an exported directory.
const exportName = "directory.toml"

// export sends the directory file: all of it to admins, the networks she
// may edit to others (confidential addresses of other networks stay theirs).
func (s staffDialogue) export() {
	codec := s.d.svc.codec
	if codec == nil || len(s.me.networks(s.d.dir)) == 0 {
		s.menu()
		return
	}
	var buf bytes.Buffer
	if err := codec.Encode(&buf, s.scope(s.d.dir.Data()), s.d.lang); err != nil {
		s.failed(err)
		return
	}
	s.d.event = "staff_export"
	s.d.say(Reply{Texts: []Text{T("staff.export_caption")}, Document: &Document{Name: exportName, Data: buf.Bytes()}})
	s.reply([]Text{T("staff.export_howto")})
}

// scope keeps the networks and centres she may edit.
func (s staffDialogue) scope(d DirectoryData) DirectoryData {
	if s.me.isAdmin() {
		return d
	}
	out := DirectoryData{Sample: d.Sample}
	for _, n := range d.Networks {
		if s.me.has(RoleVolunteer, n.ID) {
			out.Networks = append(out.Networks, n)
		}
	}
	for _, c := range d.Centres {
		if s.me.has(RoleVolunteer, c.Network) {
			out.Centres = append(out.Centres, c)
		}
	}
	return out
}

// AcceptsFile tells whether a chat may send the directory file: a member
// of staff who may edit a network. The transport asks before it fetches a
// file, so that files sent by anyone else are never downloaded; a store
// that fails says no.
func (s *Service) AcceptsFile(ctx context.Context, chat int64) bool {
	if s.codec == nil {
		return false
	}
	st, _, err := s.effectiveStaff(ctx, chat)
	return err == nil && len(st.networks(s.dir.Load())) > 0
}

// uploaded reads a directory file she sent and shows what importing it
// would change; nothing changes before she confirms.
func (s staffDialogue) uploaded() {
	in := s.d.in
	if s.d.svc.codec == nil || len(s.me.networks(s.d.dir)) == 0 {
		s.menu()
		return
	}
	if in.Document == nil || len(in.Document) > maxImport {
		s.d.event = "staff_import_refused"
		s.reply([]Text{T("staff.import_too_large", "Max", maxImport>>10)})
		return
	}
	m, err := s.merge(in.Document)
	if err != nil {
		s.d.event = "staff_import_invalid"
		texts := []Text{T("staff.import_invalid")}
		problems := Problems(err)
		for i, p := range problems {
			if i == maxProblemsShown {
				texts = append(texts, T("staff.import_more", "N", len(problems)-i))
				break
			}
			texts = append(texts, p.Message())
		}
		s.reply(texts)
		return
	}
	if s.refuseOrphans(m.data, nil) {
		return
	}
	s.d.event = "staff_import_preview"
	if len(m.changes) == 0 {
		s.reply(append([]Text{T("staff.import_same")}, m.coarseNote()...))
		return
	}
	s.d.sess.Data = map[string]string{dataImport: string(in.Document)}
	texts := []Text{T("staff.import_preview")}
	for _, c := range m.changes {
		texts = append(texts, c.text())
	}
	texts = append(texts, m.coarseNote()...)
	s.reply(texts, []Button{staffButton(T("staff.button_import"), "import", ""), staffButton(T("staff.button_cancel"), "menu", "")})
}

// importConfirmed applies the file waiting in her session.
func (s staffDialogue) importConfirmed() {
	file := s.d.sess.Data[dataImport]
	s.d.sess.Data = nil
	if file == "" || s.d.svc.updater == nil {
		s.menu()
		return
	}
	if m, err := s.merge([]byte(file)); err == nil && s.refuseOrphans(m.data, nil) {
		return
	}
	var changes []DirectoryChange
	err := s.updateDirectory(func(cur *DirectoryData) error {
		m, err := s.mergeInto(*cur, []byte(file))
		if err != nil {
			return err
		}
		*cur, changes = m.data, m.changes
		return nil
	})
	if err != nil {
		s.failed(err)
		return
	}
	for _, c := range changes {
		s.d.svc.audit(s.d.ctx, ImportAudit(c, s.d.now, s.me.Pseudonym))
	}
	// Requests of a centre the file removed go to its network now.
	s.d.svc.settle(s.d.ctx)
	s.d.event = "staff_imported"
	done := T("staff.imported", "Count", len(changes))
	done.Count = len(changes)
	s.reply([]Text{done})
}

// merged is a directory file put in place of what she may edit.
type merged struct {
	data    DirectoryData
	changes []DirectoryChange
	// coarse names the centres whose exact position in the file is not
	// kept (KeepCoarse).
	coarse []string
}

// coarseNote tells her which centres of her file keep only the position
// of their comune.
func (m merged) coarseNote() []Text {
	if len(m.coarse) == 0 {
		return nil
	}
	return []Text{T("staff.import_coarse", "Names", strings.Join(m.coarse, ", "))}
}

// merge validates a file against the directory in use.
func (s staffDialogue) merge(file []byte) (merged, error) {
	return s.mergeInto(s.d.dir.Data(), file)
}

// mergeInto decodes file and puts it in place of what she may edit in cur:
// an admin's file is the whole directory; a volunteer's replaces the centres
// of her networks and may not touch any other network.
func (s staffDialogue) mergeInto(cur DirectoryData, file []byte) (merged, error) {
	in, err := s.d.svc.codec.Decode(bytes.NewReader(file))
	if err != nil {
		return merged{}, err
	}
	next := in
	if !s.me.isAdmin() {
		var errs []error
		for i, n := range in.Networks {
			if !s.me.has(RoleVolunteer, n.ID) {
				errs = append(errs, &Problem{Kind: "network", Index: i, Entry: n.ID, Field: "id", Text: T("dir.not_yours")})
			}
		}
		for i, c := range in.Centres {
			if !s.me.has(RoleVolunteer, c.Network) {
				errs = append(errs, &Problem{Kind: "centre", Index: i, Entry: c.ID, Field: "network", Value: c.Network, Text: T("dir.not_yours")})
			}
		}
		if err := errors.Join(errs...); err != nil {
			return merged{}, err
		}
		next = DirectoryData{Sample: cur.Sample}
		for _, n := range cur.Networks {
			if i := slices.IndexFunc(in.Networks, func(m Network) bool { return m.ID == n.ID }); i >= 0 {
				n = in.Networks[i]
			}
			next.Networks = append(next.Networks, n)
		}
		for _, c := range cur.Centres {
			if !s.me.has(RoleVolunteer, c.Network) {
				next.Centres = append(next.Centres, c)
			}
		}
		next.Centres = append(next.Centres, in.Centres...)
	}
	if _, err := NewDirectory(next); err != nil {
		return merged{}, err
	}
	coarse := KeepCoarse(&next)
	return merged{data: next, changes: DiffDirectories(cur, next), coarse: coarse}, nil
}

// DirectoryChange is one centre or network added, removed or changed by
// an import, for the dry run and the audit trail.
type DirectoryChange struct {
	Kind    string // "added", "removed" or "changed"
	Network string
	Subject string // a centre or network id, or "sample"
	Name    string
	Fields  []string // for "changed": which fields
}

// text says a change in her language, fields named.
func (c DirectoryChange) text() Text {
	if c.Subject == "sample" {
		return T("staff.import_sample_" + c.Fields[0])
	}
	return T("staff.import_"+c.Kind, "Name", c.Name, "Fields", keyTexts(c.Fields, "field.", auditFields))
}

// String writes a change on one line, for the command line.
func (c DirectoryChange) String() string {
	s := map[string]string{"added": "+", "removed": "-", "changed": "~"}[c.Kind] + " " + c.Subject
	if c.Name != "" && c.Name != c.Subject {
		s += " (" + c.Name + ")"
	}
	if len(c.Fields) > 0 {
		s += ": " + strings.Join(c.Fields, ", ")
	}
	return s
}

// centreFields are the fields compared to tell what an import changes.
var centreFields = []struct {
	name string
	get  func(Centre) any
}{
	{"name", func(c Centre) any { return c.Name }},
	{"network", func(c Centre) any { return c.Network }},
	{"town", func(c Centre) any { return c.Town }},
	{"address", func(c Centre) any { return [2]any{c.Address, c.AddressConfidential} }},
	{"location", func(c Centre) any { return [2]float64{c.Lat, c.Lon} }},
	{"phones", func(c Centre) any { return c.Phones }},
	{"towns", func(c Centre) any { return c.Towns }},
	{"languages", func(c Centre) any { return c.Languages }},
	{"services", func(c Centre) any { return c.Services }},
	{"hours", func(c Centre) any { return weekString(c.Hours) }},
	{"closures", func(c Centre) any { return c.Closures }},
	{"open_on_holidays", func(c Centre) any { return c.OpenOnHolidays }},
	{"draft", func(c Centre) any { return c.Draft }},
}

// networkFields are the fields compared to tell what an import changes in
// a network.
var networkFields = []struct {
	name string
	get  func(Network) string
}{
	{"name", func(n Network) string { return n.Name }},
	{"province", func(n Network) string { return n.Province }},
	{"phone_24h", func(n Network) string { return n.Phone24h }},
}

// DiffDirectories lists what changes from a to b, networks first.
func DiffDirectories(a, b DirectoryData) []DirectoryChange {
	var out []DirectoryChange
	for _, n := range b.Networks {
		i := slices.IndexFunc(a.Networks, func(m Network) bool { return m.ID == n.ID })
		switch {
		case i < 0:
			out = append(out, DirectoryChange{Kind: "added", Network: n.ID, Subject: n.ID, Name: n.Name})
		case a.Networks[i] != n:
			var fields []string
			for _, f := range networkFields {
				if f.get(a.Networks[i]) != f.get(n) {
					fields = append(fields, f.name)
				}
			}
			if len(fields) == 0 {
				fields = []string{"network"}
			}
			out = append(out, DirectoryChange{Kind: "changed", Network: n.ID, Subject: n.ID, Name: n.Name, Fields: fields})
		}
	}
	for _, n := range a.Networks {
		if !slices.ContainsFunc(b.Networks, func(m Network) bool { return m.ID == n.ID }) {
			out = append(out, DirectoryChange{Kind: "removed", Network: n.ID, Subject: n.ID, Name: n.Name})
		}
	}
	for _, c := range b.Centres {
		i := slices.IndexFunc(a.Centres, func(o Centre) bool { return o.ID == c.ID })
		if i < 0 {
			out = append(out, DirectoryChange{Kind: "added", Network: c.Network, Subject: c.ID, Name: c.Name})
			continue
		}
		var fields []string
		for _, f := range centreFields {
			if !reflect.DeepEqual(normalizeEmpty(f.get(a.Centres[i])), normalizeEmpty(f.get(c))) {
				fields = append(fields, f.name)
			}
		}
		if len(fields) > 0 {
			out = append(out, DirectoryChange{Kind: "changed", Network: c.Network, Subject: c.ID, Name: c.Name, Fields: fields})
		}
	}
	for _, c := range a.Centres {
		if !slices.ContainsFunc(b.Centres, func(o Centre) bool { return o.ID == c.ID }) {
			out = append(out, DirectoryChange{Kind: "removed", Network: c.Network, Subject: c.ID, Name: c.Name})
		}
	}
	if a.Sample != b.Sample {
		out = append(out, DirectoryChange{Kind: "changed", Subject: "sample", Name: "sample", Fields: []string{fmt.Sprint(b.Sample)}})
	}
	return out
}

// normalizeEmpty treats a nil and an empty slice alike: the file format
// does not tell them apart.
func normalizeEmpty(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice && rv.Len() == 0 {
		return nil
	}
	return v
}

// ImportAudit is the audit entry of one change of an import by who.
func ImportAudit(c DirectoryChange, at time.Time, who string) AuditEntry {
	return AuditEntry{At: at, Who: who, Network: c.Network, Subject: c.Subject, Field: "import " + c.Kind, After: strings.Join(c.Fields, ", ")}
}
