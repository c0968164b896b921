package flows

import (
	"bytes"
	"context"
	"errors"
	"frontdoor/flows/directory"
	"io"
	"slices"
	"strings"
	"time"
)

// DirectoryCodec reads and writes the human-editable directory file. It is
// injected (flows/dirfile provides it) because that package builds on this
// one.
type DirectoryCodec interface {
	Decode(r io.Reader) (directory.Data, error)
	// Encode writes the file with its comments in lang.
	Encode(w io.Writer, d directory.Data, lang string) error
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
func (s staffDialogue) scope(d directory.Data) directory.Data {
	if s.me.isAdmin() {
		return d
	}
	out := directory.Data{Sample: d.Sample}
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
		problems := directory.Problems(err)
		for i, p := range problems {
			if i == maxProblemsShown {
				texts = append(texts, T("staff.import_more", "N", len(problems)-i))
				break
			}
			texts = append(texts, ProblemText(p))
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
		texts = append(texts, changeText(c))
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
	var changes []directory.Change
	err := s.updateDirectory(func(cur *directory.Data) error {
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
	data    directory.Data
	changes []directory.Change
	// coarse names the centres whose exact position in the file is not
	// kept (directory.KeepCoarse).
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
func (s staffDialogue) mergeInto(cur directory.Data, file []byte) (merged, error) {
	in, err := s.d.svc.codec.Decode(bytes.NewReader(file))
	if err != nil {
		return merged{}, err
	}
	next := in
	if !s.me.isAdmin() {
		var errs []error
		for i, n := range in.Networks {
			if !s.me.has(RoleVolunteer, n.ID) {
				errs = append(errs, &directory.Problem{Kind: "network", Index: i, Entry: n.ID, Field: "id", Why: directory.Msg("dir.not_yours")})
			}
		}
		for i, c := range in.Centres {
			if !s.me.has(RoleVolunteer, c.Network) {
				errs = append(errs, &directory.Problem{Kind: "centre", Index: i, Entry: c.ID, Field: "network", Value: c.Network, Why: directory.Msg("dir.not_yours")})
			}
		}
		if err := errors.Join(errs...); err != nil {
			return merged{}, err
		}
		next = directory.Data{Sample: cur.Sample}
		for _, n := range cur.Networks {
			if i := slices.IndexFunc(in.Networks, func(m directory.Network) bool { return m.ID == n.ID }); i >= 0 {
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
	if _, err := directory.New(next); err != nil {
		return merged{}, err
	}
	coarse := directory.KeepCoarse(&next)
	return merged{data: next, changes: directory.Diff(cur, next), coarse: coarse}, nil
}

// changeText says a change in her language, fields named.
func changeText(c directory.Change) Text {
	if c.Subject == "sample" {
		return T("staff.import_sample_" + c.Fields[0])
	}
	return T("staff.import_"+c.Kind, "Name", c.Name, "Fields", fieldTexts(c.Fields))
}

// ImportAudit is the audit entry of one change of an import by who.
func ImportAudit(c directory.Change, at time.Time, who string) AuditEntry {
	return AuditEntry{At: at, Who: who, Network: c.Network, Subject: c.Subject, Field: "import " + c.Kind, After: strings.Join(c.Fields, ", ")}
}
