package flows

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"frontdoor/flows/logattr"
)

// The staff's states: in the staff tools, or asked to type hours, a
// closure, or a field. A state stays while she corrects what she typed, so
// that a new value is read for the same thing and never as a town.
const (
	stStaff        = "staff"
	stStaffHours   = "staff_hours"
	stStaffClosure = "staff_closure"
)

// Session.Data keys of an edit in progress.
const (
	dataCentre  = "centre"
	dataHours   = "hours"
	dataClosure = "closure" // JSON of the previewed Closure
	dataReplace = "replace" // closureKey of the closure being changed
)

// staffPrefix starts the data of every staff button.
const staffPrefix = "st."

// staffCommands maps the staff's commands, with their Italian aliases, to
// the verbs of staffAction.
var staffCommands = map[string]string{
	"staff": "menu", "invite": "invite", "invito": "invite", "roles": "roles", "ruoli": "roles",
	"audit": "audit", "stats": "stats", "statistiche": "stats",
}

// routeStaff maps staff commands, buttons and typed edits. ok is false when
// the input is not for staff; a member of the public who types a staff
// command gets the ordinary menu, as if the command did not exist.
func (d *dialogue) routeStaff() (event string, act func(), ok bool) {
	in := d.in
	switch {
	case in.Door == DoorWeb:
		// Staff work in Telegram, where they are known by their account;
		// a page is anyone's.
		return "", nil, false
	case in.Kind == KindCommand && in.Command == "start" && strings.HasPrefix(strings.TrimSpace(in.Args), invitePrefix):
		code := strings.TrimPrefix(strings.TrimSpace(in.Args), invitePrefix)
		return "staff", func() { d.redeem(code) }, true
	case in.Kind == KindCommand && staffCommands[in.Command] != "":
		return d.staffAction(staffCommands[in.Command], "")
	case in.Kind == KindButton && strings.HasPrefix(in.Data, staffPrefix):
		verb, arg, _ := strings.Cut(strings.TrimPrefix(in.Data, staffPrefix), ":")
		return d.staffAction(verb, arg)
	case in.Kind == KindDocument:
		return d.staffAction("upload", "")
	case in.Kind == KindText && d.sess.State == stStaffHours:
		return d.staffAction("hourstyped", in.Text)
	case in.Kind == KindText && d.sess.State == stStaffClosure:
		return d.staffAction("closuretyped", in.Text)
	case (in.Kind == KindText || in.Kind == KindLocation) && d.sess.State == stStaffField:
		return d.staffAction("fieldin", "")
	case in.Kind == KindText && d.sess.State == stStaffName:
		return d.staffAction("namein", in.Text)
	case in.Kind == KindText && d.sess.State == stStaff:
		return d.staffAction("text", "")
	}
	return "", nil, false
}

// staffAction checks who she is and returns the action; not staff means
// the ordinary menu.
func (d *dialogue) staffAction(verb, arg string) (string, func(), bool) {
	st, err := d.staffOf()
	if err != nil {
		d.svc.log.LogAttrs(d.ctx, slog.LevelError, "staff load failed", logattr.Event("store_error"), logattr.Op("staff"), logattr.Err(err))
		return "menu", func() { d.say(d.svc.sorry(d.in).Replies[0]) }, true
	}
	if len(st.Grants) == 0 {
		// She may have been staff: her chat's menu goes back to the public one.
		d.menuChange = MenuPublic
		return "menu", d.unknown, true
	}
	d.audience = ForStaff
	s := staffDialogue{d: d, me: st}
	id, sub, _ := strings.Cut(arg, "/")
	switch verb {
	case "menu":
		d.menuChange = MenuStaff
		return "staff", s.menu, true
	case "text":
		return "staff", s.typedElsewhere, true
	case "centres":
		return "staff", s.centres, true
	case "edit":
		return "staff", func() { s.edit(arg) }, true
	case "hours":
		return "staff_hours", func() { s.askHours(arg) }, true
	case "hourstyped":
		return "staff_hours", func() { s.typedHours(arg) }, true
	case "ok":
		return "staff", s.save, true
	case "closures":
		return "staff", func() { s.closures(arg) }, true
	case "closure":
		return "staff_closure", func() { s.askClosure(arg, "") }, true
	case "cledit":
		return "staff_closure", func() { s.askClosure(id, sub) }, true
	case "closuretyped":
		return "staff_closure", func() { s.typedClosure(arg) }, true
	case "clrm":
		return "staff", func() { s.removeClosure(id, sub, false) }, true
	case "clrmok":
		return "staff", func() { s.removeClosure(id, sub, true) }, true
	case "invite":
		return "staff", func() { s.invite(arg) }, true
	case "roles":
		return "staff", s.roles, true
	case "revoke":
		return "staff", func() { s.revoke(arg, false) }, true
	case "revokeok":
		return "staff", func() { s.revoke(arg, true) }, true
	case "audit":
		return "staff", s.audit, true
	case "export":
		return "staff", s.export, true
	case "field":
		return "staff_field", func() { s.askField(id, sub) }, true
	case "fieldin":
		return "staff_field", s.fieldInput, true
	case "fieldok":
		return "staff", s.saveField, true
	case "tog":
		return "staff_field", func() { s.toggle(arg) }, true
	case "togdone":
		return "staff_field", s.toggleDone, true
	case "line":
		return "staff_field", func() { s.askLine(arg) }, true
	case "add":
		return "staff_field", func() { s.startAdd(arg) }, true
	case "addok":
		return "staff", s.saveAdd, true
	case "publish":
		return "staff", func() { s.publish(arg, false) }, true
	case "publishok":
		return "staff", func() { s.publish(arg, true) }, true
	case "real":
		return "staff", func() { s.markReal(false) }, true
	case "realok":
		return "staff", func() { s.markReal(true) }, true
	case "delete":
		return "staff", func() { s.deleteCentre(arg, false) }, true
	case "deleteok":
		return "staff", func() { s.deleteCentre(arg, true) }, true
	case "upload":
		return "staff", s.uploaded, true
	case "import":
		return "staff", s.importConfirmed, true
	case "stats":
		return "staff", s.stats, true
	case "statscsv":
		return "staff", s.statsCSV, true
	case "statschart":
		return "staff", s.statsChart, true
	case "chats":
		return "staff", func() { s.chats(arg) }, true
	case "oncall":
		return "staff", func() { s.toggleOnCall(arg) }, true
	case "unlink":
		return "staff", func() { s.unlink(arg, false) }, true
	case "unlinkok":
		return "staff", func() { s.unlink(arg, true) }, true
	case "link":
		return "staff", func() { s.link(arg) }, true
	case "name":
		return "staff_name", s.askName, true
	case "namein":
		return "staff_name", func() { s.saveName(arg) }, true
	}
	return "staff", s.menu, true
}

// staffDialogue is the work of one staff input.
type staffDialogue struct {
	d  *dialogue
	me Staff
}

func staffButton(label Text, verb, arg string) Button {
	data := staffPrefix + verb
	if arg != "" {
		data += ":" + arg
	}
	return Button{Label: label, Data: data}
}

// reply sends texts with buttons, the staff menu and the usual last row.
func (s staffDialogue) reply(texts []Text, rows ...[]Button) {
	rows = append(rows, []Button{staffButton(T("staff.button_menu"), "menu", "")}, navRow(true))
	s.d.say(Reply{Texts: texts, Buttons: rows})
}

// prefix puts t before the texts of the last reply.
func (s staffDialogue) prefix(t Text) {
	last := &s.d.replies[len(s.d.replies)-1]
	last.Texts = append([]Text{t}, last.Texts...)
}

func (s staffDialogue) menu() {
	s.d.event = "staff_menu"
	var rows [][]Button
	if len(s.me.networks(s.d.dir)) > 0 {
		rows = append(rows, []Button{staffButton(T("staff.button_centres"), "centres", ""), staffButton(T("staff.button_audit"), "audit", "")})
		if s.d.svc.codec != nil {
			rows = append(rows, []Button{staffButton(T("staff.button_export"), "export", "")})
		}
	}
	if s.coordinates() {
		rows = append(rows, []Button{staffButton(T("staff.button_invite"), "invite", ""), staffButton(T("staff.button_roles"), "roles", "")})
		if s.d.svc.cb.store != nil {
			rows = append(rows, []Button{staffButton(T("staff.button_chats"), "chats", "")})
		}
	}
	if b := s.statsButton(); b != nil {
		rows = append(rows, b)
	}
	rows = append(rows, []Button{staffButton(T("staff.button_name"), "name", "")})
	texts := []Text{T("staff.menu_title"), T("staff.you_are", "Pseudonym", s.me.Pseudonym, "Roles", s.grantTexts(s.me.Grants))}
	if s.me.Name != "" {
		texts = append(texts, T("staff.your_name", "Name", s.me.Name))
	}
	if s.d.dir.Sample() && s.me.isAdmin() {
		texts = append(texts, T("staff.sample_notice"))
		rows = append(rows, []Button{staffButton(T("staff.button_real"), "real", "")})
	}
	s.d.say(Reply{Texts: texts, Buttons: append(rows, navRow(true))})
}

// typedElsewhere answers text typed where the staff tools expect a tap: it
// says so and keeps whatever waits in her session, so that the buttons
// above still work. Text in the staff tools never becomes a town search.
func (s staffDialogue) typedElsewhere() {
	s.d.event = "staff_text"
	s.reply([]Text{T("staff.use_buttons")})
}

// grantTexts names grants in her language.
func (s staffDialogue) grantTexts(grants []Grant) []Text {
	out := make([]Text, len(grants))
	for i, g := range grants {
		where := g.Network
		if n, ok := s.d.dir.Network(g.Network); ok {
			where = n.Name
		}
		if c, ok := s.d.dir.Centre(g.Centre); ok {
			where = c.Name
		}
		out[i] = T("role."+string(g.Role), "Where", where)
	}
	return out
}

func (s staffDialogue) centres() {
	if len(s.me.networks(s.d.dir)) == 0 {
		s.menu()
		return
	}
	s.d.event = "staff_centres"
	var rows [][]Button
	for _, n := range s.me.networks(s.d.dir) {
		for _, c := range s.d.dir.StaffCentres(n.ID) {
			label := Raw(c.Name)
			if c.Draft {
				label = T("staff.draft_label", "Name", c.Name)
			}
			rows = append(rows, []Button{staffButton(label, "edit", c.ID)})
		}
		rows = append(rows, []Button{staffButton(T("staff.button_add", "Network", n.Name), "add", n.ID)})
		rows = append(rows, []Button{staffButton(T("staff.button_line", "Network", n.Name), "line", n.ID)})
	}
	s.reply([]Text{T("staff.centres_title")}, rows...)
}

// editable returns the centre if she may edit it.
func (s staffDialogue) editable(id string) (*Centre, bool) {
	c, ok := s.d.dir.Centre(id)
	if !ok || !s.me.has(RoleVolunteer, c.Network) {
		return nil, false
	}
	return c, true
}

// edit shows a centre's card and what she can change; a draft says what
// it lacks before it can be published.
func (s staffDialogue) edit(id string) {
	c, ok := s.editable(id)
	if !ok {
		s.centres()
		return
	}
	s.d.event = "staff_edit"
	s.d.sess.Data = nil
	s.d.say(s.d.cardReply(c, true))
	rows := [][]Button{{staffButton(T("staff.button_hours"), "hours", c.ID), staffButton(T("staff.button_closures", "N", len(c.Closures)), "closures", c.ID)}}
	var btns []Button
	for _, f := range editFields {
		btns = append(btns, staffButton(T("field."+f), "field", c.ID+"/"+f))
	}
	rows = append(rows, grid(btns, 3)...)
	texts := []Text{T("staff.edit_title", "Name", c.Name)}
	if c.Draft {
		texts = append(texts, s.draftState(c)...)
		rows = append(rows, []Button{staffButton(T("staff.button_publish"), "publish", c.ID)})
	}
	rows = append(rows, []Button{staffButton(T("staff.button_delete"), "delete", c.ID)})
	s.reply(texts, rows...)
}

// inputError explains what could not be read and asks again with again.
func (s staffDialogue) inputError(err error, again Text) {
	s.d.event = "staff_input_error"
	ie, ok := err.(*InputError)
	if !ok {
		ie = &InputError{ID: "parse.bad_input"}
	}
	why := Text{ID: ie.ID, Data: ie.Data}
	s.reply([]Text{T("staff.input_error", "Part", ie.Part, "Why", why), again})
}

// confirm asks to save what was previewed: save is the verb of the save
// button, cancel where the cancel button goes back to.
func (s staffDialogue) confirm(question Text, save string, cancel Button) {
	s.reply([]Text{question, T("staff.or_type_again")}, []Button{staffButton(T("staff.button_save"), save, ""), cancel})
}

// save applies the previewed hours or closure.
func (s staffDialogue) save() {
	if s.d.sess.Data[dataHours] != "" {
		s.saveHours()
		return
	}
	s.saveClosure()
}

// change edits one centre of the stored directory in one transaction and
// puts the result in use.
func (s staffDialogue) change(id string, f func(*Centre) error) error {
	return s.updateDirectory(func(dd *DirectoryData) error {
		i := slices.IndexFunc(dd.Centres, func(c Centre) bool { return c.ID == id })
		if i < 0 {
			return fmt.Errorf("centre %q is gone", id)
		}
		return f(&dd.Centres[i])
	})
}

// updateDirectory applies f to the stored directory in one transaction,
// refuses a result that is not valid, and puts the new directory in use at
// once. f may run more than once and must only depend on its argument.
func (s staffDialogue) updateDirectory(f func(*DirectoryData) error) error {
	if s.d.svc.updater == nil {
		return fmt.Errorf("no directory updater")
	}
	data, err := s.d.svc.updater.UpdateDirectory(s.d.ctx, s.d.dir.Data(), func(dd *DirectoryData) error {
		if err := f(dd); err != nil {
			return err
		}
		KeepCoarse(dd)
		_, err := NewDirectory(*dd)
		return err
	})
	if err != nil {
		return err
	}
	dir, err := NewDirectory(data)
	if err != nil {
		return err
	}
	s.d.svc.SetDirectory(dir)
	s.d.dir = dir
	return nil
}

func (s staffDialogue) failed(err error) {
	s.d.svc.log.LogAttrs(s.d.ctx, slog.LevelError, "directory update failed", logattr.Event("staff_save_failed"), logattr.Err(err))
	s.d.event = "staff_save_failed"
	s.reply([]Text{T("staff.save_failed")})
}
