package flows

import (
	"errors"
	"frontdoor/flows/directory"
	"strings"
)

// errNotReady: a draft lacks what women need before it can be published.
var errNotReady = errors.New("draft not ready")

// samplePrefix starts the sample directory's numbers, which reach nobody.
const samplePrefix = "+39000"

// draftMissing is what a draft lacks before women may see it: hours and a
// phone.
func draftMissing(c *directory.Centre) []Text {
	var out []Text
	if directory.WeekString(c.Hours) == "" {
		out = append(out, T("field.hours"))
	}
	if len(c.Phones) == 0 {
		out = append(out, T("field.phones"))
	}
	return out
}

// draftState tells staff, on a draft's screen, that women do not see it and
// what it lacks.
func (s staffDialogue) draftState(c *directory.Centre) []Text {
	if missing := draftMissing(c); len(missing) > 0 {
		return []Text{T("staff.draft_missing", "Missing", missing)}
	}
	return []Text{T("staff.draft_ready")}
}

// publish asks, then makes a draft visible to women; a draft without hours
// or a phone is refused, saying what it lacks.
func (s staffDialogue) publish(id string, confirmed bool) {
	c, ok := s.editable(id)
	if !ok || !c.Draft {
		s.centres()
		return
	}
	if missing := draftMissing(c); len(missing) > 0 {
		s.edit(id)
		s.d.event = "staff_publish_refused"
		s.prefix(T("staff.publish_missing", "Missing", missing))
		return
	}
	if !confirmed {
		s.d.event = "staff_publish_ask"
		live := *c
		live.Draft = false
		s.d.say(Reply{Texts: append([]Text{T("staff.preview_card")}, s.d.cardReply(&live, true).Texts...)})
		s.reply([]Text{T("staff.publish_ask", "Name", c.Name)},
			[]Button{staffButton(T("staff.button_publish"), "publishok", id), staffButton(T("staff.button_cancel"), "edit", id)})
		return
	}
	err := s.change(id, func(cc *directory.Centre) error {
		if len(draftMissing(cc)) > 0 {
			return errNotReady
		}
		cc.Draft = false
		return nil
	})
	if err != nil {
		s.failed(err)
		return
	}
	s.audited(c, "publish", "draft", "published")
	s.edit(id)
	s.d.event = "staff_published"
	s.prefix(T("staff.published"))
}

// markReal asks an admin, then marks the directory as real data: the
// cards stop saying it is sample data. It is refused while a centre or a
// network still has a sample number, which reaches nobody.
func (s staffDialogue) markReal(confirmed bool) {
	if !s.me.isAdmin() || !s.d.dir.Sample() {
		s.menu()
		return
	}
	if names := sampleNumbers(s.d.dir.Data()); len(names) > 0 {
		s.d.event = "staff_real_refused"
		s.reply([]Text{T("staff.real_sample_phones", "Names", strings.Join(names, ", "))})
		return
	}
	if !confirmed {
		s.d.event = "staff_real_ask"
		s.reply([]Text{T("staff.real_ask")},
			[]Button{staffButton(T("staff.button_real_yes"), "realok", ""), staffButton(T("staff.button_cancel"), "menu", "")})
		return
	}
	err := s.updateDirectory(func(dd *directory.Data) error {
		dd.Sample = false
		return nil
	})
	if err != nil {
		s.failed(err)
		return
	}
	s.record(AuditEntry{Subject: "sample", Field: "sample", Before: "true", After: "false"})
	s.menu()
	s.d.event = "staff_real"
	s.prefix(T("staff.real_done"))
}

// sampleNumbers names the centres and networks that still have a number
// of the sample directory.
func sampleNumbers(d directory.Data) []string {
	var out []string
	for _, n := range d.Networks {
		if strings.HasPrefix(n.Phone24h, samplePrefix) {
			out = append(out, n.Name)
		}
	}
	for _, c := range d.Centres {
		for _, p := range c.Phones {
			if strings.HasPrefix(p, samplePrefix) {
				out = append(out, c.Name)
				break
			}
		}
	}
	return out
}
