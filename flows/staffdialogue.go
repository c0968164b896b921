package flows

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"frontdoor/flows/logattr"
)

// The staff's states: she was asked to type hours or a closure.
const (
	stStaff        = "staff"
	stStaffHours   = "staff_hours"
	stStaffClosure = "staff_closure"
)

// Session.Data keys of an edit in progress.
const (
	dataCentre  = "centre"
	dataHours   = "hours"
	dataClosure = "closure"
)

// staffPrefix starts the data of every staff button.
const staffPrefix = "st."

// auditShown is how many audit entries /audit shows.
const auditShown = 10

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
	case in.Kind == KindText && (d.sess.State == stStaffHours || d.sess.State == stStaffClosure):
		return d.staffAction("typed", in.Text)
	case in.Kind == KindDocument:
		return d.staffAction("upload", "")
	case (in.Kind == KindText || in.Kind == KindLocation) && d.sess.State == stStaffField:
		return d.staffAction("fieldin", "")
	case in.Kind == KindText && d.sess.State == stStaffName:
		return d.staffAction("namein", in.Text)
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
	switch verb {
	case "menu":
		d.menuChange = MenuStaff
		return "staff", s.menu, true
	case "centres":
		return "staff", s.centres, true
	case "edit":
		return "staff", func() { s.edit(arg) }, true
	case "hours":
		return "staff_hours", func() { s.ask(arg, dataHours) }, true
	case "closure":
		return "staff_closure", func() { s.ask(arg, dataClosure) }, true
	case "clear":
		return "staff", func() { s.askClearClosures(arg) }, true
	case "typed":
		return d.sess.State, func() { s.typed(arg) }, true
	case "ok":
		return "staff", s.save, true
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
		id, field, _ := strings.Cut(arg, "/")
		return "staff_field", func() { s.askField(id, field) }, true
	case "fieldin":
		return "staff_field", s.fieldInput, true
	case "fieldok":
		return "staff", s.saveField, true
	case "svc":
		return "staff", func() { s.toggleService(arg) }, true
	case "svcdone":
		return "staff", s.servicesDone, true
	case "add":
		return "staff_field", func() { s.startAdd(arg) }, true
	case "addok":
		return "staff", s.saveAdd, true
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
	s.d.say(Reply{Texts: texts, Buttons: append(rows, navRow(true))})
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
		for _, c := range s.d.dir.Centres(n.ID) {
			rows = append(rows, []Button{staffButton(Raw(c.Name), "edit", c.ID)})
		}
		rows = append(rows, []Button{staffButton(T("staff.button_add", "Network", n.Name), "add", n.ID)})
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

func (s staffDialogue) edit(id string) {
	c, ok := s.editable(id)
	if !ok {
		s.centres()
		return
	}
	s.d.event = "staff_edit"
	s.d.sess.Data = nil
	s.d.say(s.d.cardReply(c, true))
	rows := [][]Button{{staffButton(T("staff.button_hours"), "hours", c.ID), staffButton(T("staff.button_closure"), "closure", c.ID)}}
	var btns []Button
	for _, f := range editFields {
		btns = append(btns, staffButton(T("field."+f), "field", c.ID+"/"+f))
	}
	rows = append(rows, grid(btns, 3)...)
	rows = append(rows, []Button{staffButton(T("staff.button_clear"), "clear", c.ID), staffButton(T("staff.button_delete"), "delete", c.ID)})
	s.reply([]Text{T("staff.edit_title", "Name", c.Name)}, rows...)
}

// ask starts typing hours or a closure for a centre.
func (s staffDialogue) ask(id, what string) {
	c, ok := s.editable(id)
	if !ok {
		s.d.sess.State = stStaff
		s.centres()
		return
	}
	s.d.event = "staff_ask_" + what
	s.d.sess.Data = map[string]string{dataCentre: c.ID}
	s.reply([]Text{T("staff.prompt_"+what, "Name", c.Name)})
}

// typed reads what she typed for the edit in progress and previews it.
func (s staffDialogue) typed(text string) {
	c, ok := s.editable(s.d.sess.Data[dataCentre])
	if !ok {
		s.d.sess.State, s.d.sess.Data = stStaff, nil
		s.centres()
		return
	}
	changed := *c
	var summary []Text
	if s.d.sess.State == stStaffHours {
		w, err := ParseWeek(text)
		if err != nil {
			s.inputError(err, T("staff.prompt_again_hours"))
			return
		}
		changed.Hours = w
		s.d.sess.Data[dataHours] = text
		summary = append(summary, T("staff.preview_hours", "Name", c.Name))
		summary = append(summary, weekLines(w)...)
	} else {
		cl, err := ParseClosure(text)
		if err != nil {
			s.inputError(err, T("staff.prompt_again_closure"))
			return
		}
		changed.Closures = append(slices.Clone(c.Closures), cl)
		s.d.sess.Data[dataClosure] = text
		summary = append(summary, T("staff.preview_closure", "Name", c.Name, "From", dateText(cl.From), "To", dateText(cl.To), "Reason", cl.Reason))
	}
	s.d.event = "staff_preview"
	s.d.sess.State = stStaff
	s.d.say(Reply{Texts: summary})
	s.d.say(Reply{Texts: append([]Text{T("staff.preview_card")}, s.d.cardReply(&changed, true).Texts...)})
	s.reply([]Text{T("staff.confirm")}, []Button{staffButton(T("staff.button_save"), "ok", ""), staffButton(T("staff.button_cancel"), "edit", c.ID)})
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

// weekLines shows a week as a table, one weekday a line, Monday first.
func weekLines(w Week) []Text {
	lines := make([]Text, 0, 7)
	for i := 1; i <= 7; i++ {
		day := time.Weekday(i % 7)
		if len(w[day]) == 0 {
			lines = append(lines, T("staff.day_closed", "Day", weekdayText(day)))
			continue
		}
		lines = append(lines, T("staff.day_hours", "Day", weekdayText(day), "Hours", slotsText(w[day])))
	}
	return lines
}

// save applies the previewed edit in one transaction, records it in the
// audit trail and puts the new directory in use at once.
func (s staffDialogue) save() {
	data := s.d.sess.Data
	c, ok := s.editable(data[dataCentre])
	if !ok || (data[dataHours] == "" && data[dataClosure] == "") {
		s.centres()
		return
	}
	var field, before, after string
	err := s.change(c.ID, func(cc *Centre) error {
		if text := data[dataHours]; text != "" {
			w, err := ParseWeek(text)
			if err != nil {
				return err
			}
			field, before, after = "hours", weekString(cc.Hours), weekString(w)
			cc.Hours = w
			return nil
		}
		cl, err := ParseClosure(data[dataClosure])
		if err != nil {
			return err
		}
		field, before, after = "closure", "", closureString(cl)
		cc.Closures = append(cc.Closures, cl)
		return nil
	})
	s.d.sess.Data = nil
	if err != nil {
		s.failed(err)
		return
	}
	s.audited(c, field, before, after)
	s.d.event = "staff_saved"
	s.edit(c.ID)
	s.prefix(T("staff.saved"))
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

// audited records a change of a centre.
func (s staffDialogue) audited(c *Centre, field, before, after string) {
	s.d.svc.audit(s.d.ctx, AuditEntry{At: s.d.now, Who: s.me.Pseudonym, Network: c.Network, Subject: c.ID, Field: field, Before: before, After: after})
}

// weekString writes a week compactly for the audit trail.
func weekString(w Week) string {
	var parts []string
	for i := 1; i <= 7; i++ {
		day := time.Weekday(i % 7)
		if len(w[day]) > 0 {
			parts = append(parts, day.String()[:3]+" "+slotsText(w[day]))
		}
	}
	return strings.Join(parts, "; ")
}

func closureString(c Closure) string {
	s := c.From.String() + ".." + c.To.String()
	if c.Reason != "" {
		s += " " + c.Reason
	}
	return s
}

// invite creates a one-time invite. arg is empty (pick a role), "role"
// (pick where), or "role/where" (create it).
func (s staffDialogue) invite(arg string) {
	if len(s.invitable()) == 0 {
		s.menu()
		return
	}
	role, where, _ := strings.Cut(arg, "/")
	r := Role(role)
	if !slices.Contains(s.invitable(), r) {
		s.d.event = "staff_invite"
		var rows [][]Button
		for _, r := range s.invitable() {
			rows = append(rows, []Button{staffButton(T("role.name_"+string(r)), "invite", string(r))})
		}
		s.reply([]Text{T("staff.invite_role")}, rows...)
		return
	}
	g, ok := s.grantFor(r, where)
	if !ok {
		s.d.event = "staff_invite_where"
		var rows [][]Button
		for _, n := range s.me.networks(s.d.dir) {
			if r != RoleOperator {
				rows = append(rows, []Button{staffButton(Raw(n.Name), "invite", string(r)+"/"+n.ID)})
				continue
			}
			for _, c := range s.d.dir.Centres(n.ID) {
				rows = append(rows, []Button{staffButton(Raw(c.Name), "invite", string(r)+"/"+c.ID)})
			}
		}
		s.reply([]Text{T("staff.invite_where")}, rows...)
		return
	}
	inv := Invite{Code: s.d.svc.newCode(inviteCodeBytes), Grant: g, By: s.me.Pseudonym, Expires: s.d.now.Add(InviteTTL)}
	if err := s.d.svc.staff.SaveInvite(s.d.ctx, inv); err != nil {
		s.failed(err)
		return
	}
	s.d.event = "staff_invited"
	link := "/start " + invitePrefix + inv.Code
	if bot := s.d.svc.BotUsername(); bot != "" {
		link = "https://t.me/" + bot + "?start=" + invitePrefix + inv.Code
	}
	s.reply([]Text{T("staff.invite_created", "Role", s.grantTexts([]Grant{g})[0], "Link", link)})
}

// invitable are the roles she may give.
func (s staffDialogue) invitable() []Role {
	if s.me.isAdmin() {
		return Roles
	}
	if slices.ContainsFunc(s.me.Grants, func(g Grant) bool { return g.Role == RoleCoordinator }) {
		return []Role{RoleCoordinator, RoleVolunteer, RoleOperator}
	}
	return nil
}

// grantFor builds the grant of an invite if she may give it there.
func (s staffDialogue) grantFor(r Role, where string) (Grant, bool) {
	switch r {
	case RoleAdmin:
		return Grant{Role: RoleAdmin}, s.me.isAdmin()
	case RoleOperator:
		c, ok := s.d.dir.Centre(where)
		if !ok || !s.me.has(RoleCoordinator, c.Network) {
			return Grant{}, false
		}
		return Grant{Role: r, Network: c.Network, Centre: c.ID}, true
	}
	if _, ok := s.d.dir.Network(where); !ok || !s.me.has(RoleCoordinator, where) {
		return Grant{}, false
	}
	return Grant{Role: r, Network: where}, true
}

// redeem opens an invite: one use, within its time, then gone.
func (d *dialogue) redeem(code string) {
	if d.svc.staff == nil {
		d.welcome("")
		return
	}
	// Only a code of an invite's shape is looked up: a group's link code
	// ("link:…", typed by hand after /start) must not grant a role.
	found := false
	var inv Invite
	var err error
	if validCode(code, inviteCodeBytes) {
		inv, found, err = d.svc.staff.TakeInvite(d.ctx, code, d.now)
	}
	if err != nil || !found {
		d.event = "invite_invalid"
		d.welcome("")
		d.replies[0].Texts = append([]Text{T("staff.invite_invalid")}, d.replies[0].Texts...)
		return
	}
	st, _, err := d.svc.staff.Staff(d.ctx, d.in.Chat)
	if err == nil {
		if st.Pseudonym == "" {
			st.Pseudonym = strings.ToUpper(string(inv.Grant.Role[0:1])) + "-" + strings.ToUpper(d.svc.newCode(2))
		}
		if !slices.Contains(st.Grants, inv.Grant) {
			st.Grants = append(st.Grants, inv.Grant)
		}
		err = d.svc.staff.SaveStaff(d.ctx, d.in.Chat, st)
	}
	receives := false
	if err == nil && inv.Grant.Role == RoleOperator {
		receives, err = d.receive(inv.Grant.Centre)
	}
	if err != nil {
		d.svc.log.LogAttrs(d.ctx, slog.LevelError, "invite redeem failed", logattr.Event("store_error"), logattr.Op("staff"), logattr.Err(err))
		d.say(d.svc.sorry(d.in).Replies[0])
		return
	}
	d.audience = ForStaff
	s := staffDialogue{d: d, me: st}
	d.svc.audit(d.ctx, AuditEntry{At: d.now, Who: inv.By, Network: inv.Grant.Network, Subject: st.Pseudonym, Field: "role", After: string(inv.Grant.Role) + " " + inv.Grant.Network + " " + inv.Grant.Centre})
	s.menu()
	d.event = "invite_redeemed"
	d.menuChange = MenuStaff
	welcome := []Text{T("staff.invite_welcome", "Role", s.grantTexts([]Grant{inv.Grant})[0])}
	if receives {
		welcome = append(welcome, T("staff.operator_ready"), T("staff.name_hint"))
	}
	d.replies[0].Texts = append(welcome, d.replies[0].Texts...)
}

// receive makes her private chat a receiving chat of a centre, as an
// operator's invite promises; it keeps the chat's on-call choice. It
// reports false when there are no callbacks to receive.
func (d *dialogue) receive(centre string) (bool, error) {
	st := d.svc.cb.store
	if st == nil {
		return false, nil
	}
	ops, err := st.Operators(d.ctx)
	if err != nil {
		return false, err
	}
	op := Operator{Chat: d.in.Chat, Centre: centre}
	if i := slices.IndexFunc(ops, func(o Operator) bool { return o.Chat == d.in.Chat && o.Centre == centre }); i >= 0 {
		op.OnCall = ops[i].OnCall
	}
	return true, st.SaveOperator(d.ctx, op)
}

// visible tells whether she may see and revoke a member: admins see all,
// coordinators the members whose every grant is in their networks.
func (s staffDialogue) visible(o Staff) bool {
	if s.me.isAdmin() {
		return true
	}
	for _, g := range o.Grants {
		if g.Role == RoleAdmin || !s.me.has(RoleCoordinator, g.Network) {
			return false
		}
	}
	return len(o.Grants) > 0
}

func (s staffDialogue) roles() {
	if len(s.invitable()) == 0 {
		s.menu()
		return
	}
	entries, err := s.d.svc.staff.ListStaff(s.d.ctx)
	if err != nil {
		s.failed(err)
		return
	}
	s.d.event = "staff_roles"
	texts := []Text{T("staff.roles_title")}
	var rows [][]Button
	for _, e := range entries {
		if !s.visible(e.Staff) {
			continue
		}
		texts = append(texts, T("staff.roles_item", "Pseudonym", e.Staff.Pseudonym, "Roles", s.grantTexts(e.Staff.Grants)))
		if e.Staff.Pseudonym != s.me.Pseudonym {
			rows = append(rows, []Button{staffButton(T("staff.button_revoke", "Pseudonym", e.Staff.Pseudonym), "revoke", e.Ref)})
		}
	}
	s.reply(texts, rows...)
}

// revoke asks, then removes a member's grants.
func (s staffDialogue) revoke(ref string, confirmed bool) {
	entries, err := s.d.svc.staff.ListStaff(s.d.ctx)
	if err != nil {
		s.failed(err)
		return
	}
	i := slices.IndexFunc(entries, func(e StaffEntry) bool { return e.Ref == ref })
	if i < 0 || !s.visible(entries[i].Staff) || len(s.invitable()) == 0 {
		s.roles()
		return
	}
	who := entries[i].Staff
	if !confirmed {
		s.d.event = "staff_revoke_ask"
		s.reply([]Text{T("staff.revoke_ask", "Pseudonym", who.Pseudonym)},
			[]Button{staffButton(T("staff.button_revoke_yes"), "revokeok", ref), staffButton(T("staff.button_cancel"), "roles", "")})
		return
	}
	if err := s.d.svc.staff.RevokeStaff(s.d.ctx, ref); err != nil {
		s.failed(err)
		return
	}
	if err := s.d.svc.stopReceiving(s.d.ctx, entries[i].Chat); err != nil {
		s.failed(err)
		return
	}
	for _, g := range who.Grants {
		s.d.svc.audit(s.d.ctx, AuditEntry{At: s.d.now, Who: s.me.Pseudonym, Network: g.Network, Subject: who.Pseudonym, Field: "role", Before: string(g.Role) + " " + g.Network + " " + g.Centre})
	}
	s.d.event = "staff_revoked"
	s.roles()
	s.d.replies[0].Texts = append([]Text{T("staff.revoked", "Pseudonym", who.Pseudonym)}, s.d.replies[0].Texts...)
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
