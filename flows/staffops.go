package flows

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"frontdoor/flows/directory"
	"frontdoor/flows/logattr"
)

// The receiving chats of a centre, from /staff: coordinators (and admins)
// see who receives a centre's requests and who is on call, link an
// operators' group with a one-time code typed in the group, invite an
// operator (her private chat receives them once she accepts), put a chat
// on or off call and remove it. Every member of staff chooses the name her
// colleagues see her by.

// linkPrefix namespaces the codes that link a group among the invites, so
// that neither kind of code works as the other.
const linkPrefix = "link:"

// linkCodeBytes is the size of a link code: eight letters and digits,
// typed by hand in a group, working once and for InviteTTL.
const linkCodeBytes = 5

// maxNameLen bounds a chosen name: it stands on cards and in lists.
const maxNameLen = 32

// stStaffName: she was asked to type the name colleagues see her by.
const stStaffName = "staff_name"

// validCode says whether s can be a code newCode made of n bytes, before it
// is used to look anything up.
func validCode(s string, n int) bool {
	if len(s) != (n*8+4)/5 {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') })
}

// chatRef is the handle of a receiving chat in button data: not its id.
func chatRef(chat int64) string {
	h := sha256.Sum256([]byte("frontdoor receiving chat " + strconv.FormatInt(chat, 10)))
	return hex.EncodeToString(h[:5])
}

// linkGroup links the group where a coordinator's one-time code was typed
// to the code's centre: from now on it receives the centre's requests.
func (s *Service) linkGroup(ctx context.Context, in Input) Result {
	say := func(event string, texts ...Text) Result {
		return Result{Lang: DefaultLang, Event: event, Replies: []Reply{{Texts: texts, To: ForStaff}}}
	}
	code := strings.ToLower(strings.TrimSpace(in.Args))
	if s.staff == nil || !validCode(code, linkCodeBytes) {
		return say("link_invalid", T("op.link.invalid"))
	}
	inv, found, err := s.staff.TakeInvite(ctx, linkPrefix+code, s.now())
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "link code load failed", logattr.Event("store_error"), logattr.Op("take_invite"), logattr.Err(err))
		return say("store_error", T("op.error"))
	}
	if found {
		// A code left behind by a coordinator since revoked links nothing.
		found, err = s.makerMayGive(ctx, inv)
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "link code maker load failed", logattr.Event("store_error"), logattr.Op("staff"), logattr.Err(err))
			s.keepCode(ctx, inv)
			return say("store_error", T("op.error"))
		}
	}
	dir := s.dir.Load()
	c, ok := dir.Centre(inv.Grant.Centre)
	if !found || inv.Grant.Role != RoleOperator || !ok {
		return say("link_invalid", T("op.link.invalid"))
	}
	op := Operator{Chat: in.Chat, Centre: c.ID, Name: directory.Clip(in.ChatTitle, maxNameLen)}
	ops, err := s.cb.store.Operators(ctx)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "operators load failed", logattr.Event("store_error"), logattr.Op("operators"), logattr.Err(err))
		s.keepCode(ctx, inv)
		return say("store_error", T("op.error"))
	}
	if i := slices.IndexFunc(ops, func(o Operator) bool { return o.Chat == in.Chat }); i >= 0 {
		if cur, ok := dir.Centre(ops[i].Centre); ok && cur.Network != c.Network {
			// Only that network's coordinators may take its chats away: a
			// code of another network, typed by anyone in the group, must
			// not. The code still works in the group it was meant for.
			s.keepCode(ctx, inv)
			return say("link_other_network", T("op.link.other_network", "Centre", cur.Name))
		}
		if ops[i].Centre == c.ID {
			op.OnCall = ops[i].OnCall
		}
	}
	if err := s.cb.store.SaveOperator(ctx, op); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "operator save failed", logattr.Event("store_error"), logattr.Op("save_operator"), logattr.Err(err))
		s.keepCode(ctx, inv)
		return say("store_error", T("op.error"))
	}
	s.audit(ctx, AuditEntry{At: s.now(), Who: inv.By, Network: c.Network, Subject: c.ID, Field: "receiving chat", After: "group " + op.Name})
	bot := s.BotUsername()
	if bot != "" {
		bot = "@" + bot
	}
	return say("group_linked", T("op.link.done", "Centre", c.Name), T("op.link.private", "Bot", bot), T("op.link.oncall"))
}

// keepCode stores again a link code taken but not used, so that it works
// where it was meant to; a failure is logged, and a new code can be made.
func (s *Service) keepCode(ctx context.Context, inv Invite) {
	if err := s.staff.SaveInvite(ctx, inv); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "link code save failed", logattr.Event("store_error"), logattr.Op("save_invite"), logattr.Err(err))
	}
}

// audit records a change; a failure to record is logged, the change stays.
func (s *Service) audit(ctx context.Context, e AuditEntry) {
	if err := s.staff.AppendAudit(ctx, e); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "audit append failed", logattr.Event("store_error"), logattr.Op("audit"), logattr.Err(err))
	}
}

// coordinates says whether she may manage the receiving chats of networks:
// admins and coordinators.
func (s staffDialogue) coordinates() bool {
	return s.me.isAdmin() || slices.ContainsFunc(s.me.Grants, func(g Grant) bool { return g.Role == RoleCoordinator })
}

// manageable returns the centre if she may manage its receiving chats.
func (s staffDialogue) manageable(id string) (*directory.Centre, bool) {
	c, ok := s.d.dir.Centre(id)
	if !ok || !s.me.has(RoleCoordinator, c.Network) || s.d.svc.cb.store == nil {
		return nil, false
	}
	return c, true
}

// chats shows the centres whose receiving chats she manages, or, with a
// centre, its chats.
func (s staffDialogue) chats(id string) {
	if !s.coordinates() || s.d.svc.cb.store == nil {
		s.menu()
		return
	}
	if c, ok := s.manageable(id); ok {
		s.centreChats(c)
		return
	}
	ops, err := s.d.svc.cb.store.Operators(s.d.ctx)
	if err != nil {
		s.failed(err)
		return
	}
	s.d.event = "staff_chats"
	var rows [][]Button
	for _, n := range s.me.networks(s.d.dir) {
		if !s.me.has(RoleCoordinator, n.ID) {
			continue
		}
		for _, c := range s.d.dir.Centres(n.ID) {
			count := 0
			for _, op := range ops {
				if op.Centre == c.ID {
					count++
				}
			}
			rows = append(rows, []Button{staffButton(T("staff.chats_centre", "Name", c.Name, "Count", count), "chats", c.ID)})
		}
	}
	s.reply([]Text{T("staff.chats_pick")}, rows...)
}

// staffNames maps the private chats of staff to what colleagues call them.
func (s staffDialogue) staffNames() map[int64]string {
	names := map[int64]string{}
	entries, err := s.d.svc.staff.ListStaff(s.d.ctx)
	if err != nil {
		s.d.svc.log.LogAttrs(s.d.ctx, slog.LevelError, "staff load failed", logattr.Event("store_error"), logattr.Op("list_staff"), logattr.Err(err))
	}
	for _, e := range entries {
		if e.Chat != 0 {
			names[e.Chat] = e.Staff.Called()
		}
	}
	return names
}

// chatName is how a receiving chat is listed: a group by its title, an
// operator's private chat by the name she chose.
func chatName(op Operator, names map[int64]string) Text {
	switch {
	case op.Chat > 0 && names[op.Chat] != "":
		return T("staff.chat_person", "Name", names[op.Chat])
	case op.Chat > 0:
		return T("staff.chat_person_unnamed")
	case op.Name != "":
		return T("staff.chat_group", "Name", op.Name)
	}
	return T("staff.chat_group_unnamed")
}

// centreChats lists the receiving chats of a centre, who is on call, and
// what she can do about them.
func (s staffDialogue) centreChats(c *directory.Centre) {
	ops, err := s.d.svc.cb.store.Operators(s.d.ctx)
	if err != nil {
		s.failed(err)
		return
	}
	s.d.event = "staff_centre_chats"
	slices.SortFunc(ops, func(a, b Operator) int { return cmp.Compare(a.Chat, b.Chat) }) // groups first, then people
	names := s.staffNames()
	texts := []Text{T("staff.chats_title", "Name", c.Name)}
	var rows [][]Button
	for _, op := range ops {
		if op.Centre != c.ID {
			continue
		}
		name, ref := chatName(op, names), chatRef(op.Chat)
		if op.OnCall {
			texts = append(texts, T("staff.chats_item_oncall", "Chat", name))
			rows = append(rows, []Button{staffButton(T("staff.button_offcall", "Chat", name), "oncall", ref)})
		} else {
			texts = append(texts, T("staff.chats_item", "Chat", name))
			rows = append(rows, []Button{staffButton(T("staff.button_oncall", "Chat", name), "oncall", ref)})
		}
		rows = append(rows, []Button{staffButton(T("staff.button_unlink", "Chat", name), "unlink", ref)})
	}
	if len(rows) == 0 {
		texts = append(texts, T("staff.chats_none"))
	}
	texts = append(texts, T("staff.chats_howto"))
	rows = append(rows,
		[]Button{staffButton(T("staff.button_link"), "link", c.ID), staffButton(T("staff.button_invite_operator"), "invite", string(RoleOperator)+"/"+c.ID)},
		[]Button{staffButton(T("staff.button_chats"), "chats", "")})
	s.reply(texts, rows...)
}

// chatOf finds the receiving chat with ref among those she manages.
func (s staffDialogue) chatOf(ref string) (Operator, *directory.Centre, bool) {
	ops, err := s.d.svc.cb.store.Operators(s.d.ctx)
	if err != nil {
		return Operator{}, nil, false
	}
	for _, op := range ops {
		if chatRef(op.Chat) != ref {
			continue
		}
		c, ok := s.manageable(op.Centre)
		return op, c, ok
	}
	return Operator{}, nil, false
}

// toggleOnCall puts a receiving chat on or off the network's on-call rota.
func (s staffDialogue) toggleOnCall(ref string) {
	op, c, ok := s.chatOf(ref)
	if !ok {
		s.chats("")
		return
	}
	op.OnCall = !op.OnCall
	if err := s.d.svc.cb.store.SaveOperator(s.d.ctx, op); err != nil {
		s.failed(err)
		return
	}
	before, after := "on call", "off call"
	if op.OnCall {
		before, after = after, before
	}
	s.d.svc.audit(s.d.ctx, AuditEntry{At: s.d.now, Who: s.me.Pseudonym, Network: c.Network, Subject: c.ID, Field: "receiving chat " + ref, Before: before, After: after})
	s.d.event = "staff_chat_on_call"
	s.centreChats(c)
	s.prefix(T("staff.saved"))
}

// unlink asks, then removes a receiving chat; a request taken through it
// goes back to the others at once.
func (s staffDialogue) unlink(ref string, confirmed bool) {
	op, c, ok := s.chatOf(ref)
	if !ok {
		s.chats("")
		return
	}
	name := chatName(op, s.staffNames())
	if !confirmed {
		s.d.event = "staff_unlink_ask"
		s.reply([]Text{T("staff.unlink_ask", "Chat", name, "Centre", c.Name)},
			[]Button{staffButton(T("staff.button_unlink_yes"), "unlinkok", ref), staffButton(T("staff.button_cancel"), "chats", c.ID)})
		return
	}
	if _, err := s.d.svc.cb.store.DeleteOperator(s.d.ctx, op.Chat); err != nil {
		s.failed(err)
		return
	}
	s.d.svc.audit(s.d.ctx, AuditEntry{At: s.d.now, Who: s.me.Pseudonym, Network: c.Network, Subject: c.ID, Field: "receiving chat " + ref, Before: "receives", After: "removed"})
	s.d.svc.settle(s.d.ctx)
	s.d.event = "staff_chat_removed"
	s.centreChats(c)
	s.prefix(T("staff.chat_removed", "Chat", name))
}

// stopReceiving is what removing the role of a member of staff does to
// callbacks: her private chat no longer receives requests, and those she
// held (in it or in a group) go back to the others at once, her number
// messages emptied.
func (s *Service) stopReceiving(ctx context.Context, chat int64) error {
	if s.cb.store == nil || chat == 0 {
		return nil
	}
	if _, err := s.cb.store.DeleteOperator(ctx, chat); err != nil {
		return err
	}
	cbs, err := s.cb.store.Callbacks(ctx)
	if err != nil {
		return err
	}
	ops, err := s.cb.store.Operators(ctx)
	if err != nil {
		return err
	}
	dir := s.dir.Load()
	for _, cb := range cbs {
		if cb.TakenBy != chat {
			continue
		}
		// A conflict means someone acted on it meanwhile; the tick
		// catches what is still hers.
		if err := s.cb.store.Apply(ctx, s.release(ctx, ops, dir, cb, s.now(), "op.card.back")); err != nil && !errors.Is(err, ErrConflict) {
			return err
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "callback released", logattr.Event("callback_holder_left"), logattr.Ticket(cb.Ticket))
	}
	return nil
}

// settle runs the callback tick at once after a change of who receives
// requests, so that a request nobody may hold any more goes back to the
// others now rather than at the next tick.
func (s *Service) settle(ctx context.Context) {
	if err := s.Tick(ctx); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "callback tick failed", logattr.Event("callback_tick_failed"), logattr.Err(err))
	}
}

// link makes a one-time code that links an operators' group to a centre.
func (s staffDialogue) link(id string) {
	c, ok := s.manageable(id)
	if !ok {
		s.chats("")
		return
	}
	code := s.d.svc.newCode(linkCodeBytes)
	inv := Invite{Code: linkPrefix + code, Grant: Grant{Role: RoleOperator, Network: c.Network, Centre: c.ID}, By: s.me.Pseudonym, ByUser: s.d.in.Chat, Expires: s.d.now.Add(InviteTTL)}
	if err := s.d.svc.staff.SaveInvite(s.d.ctx, inv); err != nil {
		s.failed(err)
		return
	}
	bot := s.d.svc.BotUsername()
	if bot != "" {
		bot = "@" + bot
	}
	s.d.event = "staff_link_code"
	s.reply([]Text{T("staff.link_code", "Centre", c.Name, "Bot", bot), T("staff.link_command", "Code", code)},
		[]Button{staffButton(T("staff.button_chats_of", "Name", c.Name), "chats", c.ID)})
}

// askName asks for the name colleagues see her by.
func (s staffDialogue) askName() {
	s.d.event = "staff_ask_name"
	s.d.sess.State = stStaffName
	current := T("staff.name_none")
	if s.me.Name != "" {
		current = T("staff.name_current", "Name", s.me.Name)
	}
	s.d.say(Reply{Texts: []Text{T("staff.name_prompt", "Max", maxNameLen), current},
		Buttons: [][]Button{{staffButton(T("staff.button_cancel"), "menu", "")}, navRow(true)}})
}

// cleanName reads a chosen name: trimmed, spaces collapsed, printable, with
// a letter, and not too long.
func cleanName(s string) (string, bool) {
	name := strings.Join(strings.Fields(s), " ")
	n := len([]rune(name))
	ok := n > 0 && n <= maxNameLen && strings.IndexFunc(name, unicode.IsLetter) >= 0 &&
		!strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) })
	return name, ok
}

// saveName stores the name she typed.
func (s staffDialogue) saveName(text string) {
	name, ok := cleanName(text)
	if !ok {
		s.d.event = "staff_name_bad"
		s.askName()
		s.prefix(T("staff.name_bad", "Max", maxNameLen))
		return
	}
	s.me.Name = name
	if err := s.d.svc.staff.SaveStaff(s.d.ctx, s.d.in.Chat, s.me); err != nil {
		s.failed(err)
		return
	}
	s.d.sess.State = stStaff
	s.menu()
	s.d.event = "staff_name_saved"
	s.prefix(T("staff.name_saved", "Name", name))
}

// refuseOrphans refuses, with a list of what stands in the way, a change
// of the directory to next that would leave receiving chats without their
// centre or requests without their network; it reports whether it did.
func (s staffDialogue) refuseOrphans(next directory.Data, back []Button) bool {
	st := s.d.svc.cb.store
	if st == nil {
		return false
	}
	ops, err := st.Operators(s.d.ctx)
	var cbs []Callback
	if err == nil {
		cbs, err = st.Callbacks(s.d.ctx)
	}
	if err != nil {
		s.failed(err)
		return true
	}
	o := FindOrphans(next, ops, cbs)
	if o.Empty() {
		return false
	}
	s.d.event = "staff_orphans_refused"
	texts := []Text{T("staff.orphans_title")}
	names := s.staffNames()
	for _, op := range o.Chats {
		centre := op.Centre
		if c, ok := s.d.dir.Centre(op.Centre); ok {
			centre = c.Name
		}
		texts = append(texts, T("staff.orphans_chat", "Chat", chatName(op, names), "Centre", centre))
	}
	for _, cb := range o.Requests {
		texts = append(texts, T("staff.orphans_request", "Ticket", cb.Ticket, "Network", opTarget(s.d.dir, cb)))
	}
	texts = append(texts, T("staff.orphans_howto"))
	s.reply(texts, back)
	return true
}

// openRequests counts the open requests of a centre.
func (s staffDialogue) openRequests(centre string) int {
	if s.d.svc.cb.store == nil {
		return 0
	}
	cbs, err := s.d.svc.cb.store.Callbacks(s.d.ctx)
	if err != nil {
		return 0
	}
	n := 0
	for _, cb := range cbs {
		if cb.Centre == centre {
			n++
		}
	}
	return n
}
