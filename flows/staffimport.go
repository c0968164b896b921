package flows

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// DirectoryCodec reads and writes the human-editable directory file. It is
// injected (flows/dirfile provides it) because that package builds on this
// one.
type DirectoryCodec interface {
	Decode(r io.Reader) (DirectoryData, error)
	Encode(w io.Writer, d DirectoryData) error
}

// maxImport bounds a directory file sent through the bot; the pending file
// waits in her (sealed) session until she confirms.
const maxImport = 256 << 10

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
	if err := codec.Encode(&buf, s.scope(s.d.dir.Data())); err != nil {
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
	_, changes, err := s.merge(in.Document)
	if err != nil {
		s.d.event = "staff_import_invalid"
		s.reply([]Text{T("staff.import_invalid"), T("staff.import_errors", "Errors", clip(err.Error(), 3000))})
		return
	}
	s.d.event = "staff_import_preview"
	if len(changes) == 0 {
		s.reply([]Text{T("staff.import_same")})
		return
	}
	s.d.sess.Data = map[string]string{dataImport: string(in.Document)}
	texts := []Text{T("staff.import_preview")}
	for _, c := range changes {
		texts = append(texts, c.text())
	}
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
	var changes []dirChange
	data, err := s.d.svc.updater.UpdateDirectory(s.d.ctx, s.d.dir.Data(), func(cur *DirectoryData) error {
		next, ch, err := s.mergeInto(*cur, []byte(file))
		if err != nil {
			return err
		}
		*cur, changes = next, ch
		return nil
	})
	if err == nil {
		var dir *Directory
		if dir, err = NewDirectory(data); err == nil {
			s.d.svc.SetDirectory(dir)
			s.d.dir = dir
		}
	}
	if err != nil {
		s.failed(err)
		return
	}
	for _, c := range changes {
		e := AuditEntry{At: s.d.now, Who: s.me.Pseudonym, Network: c.network, Subject: c.subject, Field: "import " + c.kind, After: strings.Join(c.fields, ", ")}
		if err := s.d.svc.staff.AppendAudit(s.d.ctx, e); err != nil {
			s.d.svc.log.Error("audit append failed", "event", "store_error", "op", "audit", "err", err)
		}
	}
	s.d.event = "staff_imported"
	done := T("staff.imported", "Count", len(changes))
	done.Count = len(changes)
	s.reply([]Text{done})
}

// merge validates a file against the directory in use.
func (s staffDialogue) merge(file []byte) (DirectoryData, []dirChange, error) {
	return s.mergeInto(s.d.dir.Data(), file)
}

// mergeInto decodes file and puts it in place of what she may edit in cur:
// an admin's file is the whole directory; a volunteer's replaces the centres
// of her networks and may not touch any other network.
func (s staffDialogue) mergeInto(cur DirectoryData, file []byte) (DirectoryData, []dirChange, error) {
	in, err := s.d.svc.codec.Decode(bytes.NewReader(file))
	if err != nil {
		return DirectoryData{}, nil, err
	}
	next := in
	if !s.me.isAdmin() {
		var errs []error
		for _, n := range in.Networks {
			if !s.me.has(RoleVolunteer, n.ID) {
				errs = append(errs, fmt.Errorf("network %q: not one you can edit", n.ID))
			}
		}
		for _, c := range in.Centres {
			if !s.me.has(RoleVolunteer, c.Network) {
				errs = append(errs, fmt.Errorf("centre %q: network %q is not one you can edit", c.ID, c.Network))
			}
		}
		if err := errors.Join(errs...); err != nil {
			return DirectoryData{}, nil, err
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
		return DirectoryData{}, nil, err
	}
	return next, diffDirectories(cur, next), nil
}

// dirChange is one centre or network added, removed or changed.
type dirChange struct {
	kind    string // added, removed, changed
	network string
	subject string // a centre or network id
	name    string
	fields  []string
}

func (c dirChange) text() Text {
	return T("staff.import_"+c.kind, "Name", c.name, "Fields", strings.Join(c.fields, ", "))
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
	{"coordinates", func(c Centre) any { return [2]float64{c.Lat, c.Lon} }},
	{"phones", func(c Centre) any { return c.Phones }},
	{"towns", func(c Centre) any { return c.Towns }},
	{"languages", func(c Centre) any { return c.Languages }},
	{"services", func(c Centre) any { return c.Services }},
	{"hours", func(c Centre) any { return weekString(c.Hours) }},
	{"closures", func(c Centre) any { return c.Closures }},
	{"open_on_holidays", func(c Centre) any { return c.OpenOnHolidays }},
}

// diffDirectories lists what changes from a to b, networks first.
func diffDirectories(a, b DirectoryData) []dirChange {
	var out []dirChange
	for _, n := range b.Networks {
		i := slices.IndexFunc(a.Networks, func(m Network) bool { return m.ID == n.ID })
		switch {
		case i < 0:
			out = append(out, dirChange{kind: "added", network: n.ID, subject: n.ID, name: n.Name})
		case a.Networks[i] != n:
			out = append(out, dirChange{kind: "changed", network: n.ID, subject: n.ID, name: n.Name, fields: []string{"network"}})
		}
	}
	for _, n := range a.Networks {
		if !slices.ContainsFunc(b.Networks, func(m Network) bool { return m.ID == n.ID }) {
			out = append(out, dirChange{kind: "removed", network: n.ID, subject: n.ID, name: n.Name})
		}
	}
	for _, c := range b.Centres {
		i := slices.IndexFunc(a.Centres, func(o Centre) bool { return o.ID == c.ID })
		if i < 0 {
			out = append(out, dirChange{kind: "added", network: c.Network, subject: c.ID, name: c.Name})
			continue
		}
		var fields []string
		for _, f := range centreFields {
			if !reflect.DeepEqual(normalizeEmpty(f.get(a.Centres[i])), normalizeEmpty(f.get(c))) {
				fields = append(fields, f.name)
			}
		}
		if len(fields) > 0 {
			out = append(out, dirChange{kind: "changed", network: c.Network, subject: c.ID, name: c.Name, fields: fields})
		}
	}
	for _, c := range a.Centres {
		if !slices.ContainsFunc(b.Centres, func(o Centre) bool { return o.ID == c.ID }) {
			out = append(out, dirChange{kind: "removed", network: c.Network, subject: c.ID, name: c.Name})
		}
	}
	if a.Sample != b.Sample {
		out = append(out, dirChange{kind: "changed", subject: "sample", name: "sample", fields: []string{fmt.Sprint(b.Sample)}})
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
