package flows

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"frontdoor/flows/logattr"
)

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
	inv := Invite{Code: s.d.svc.newCode(inviteCodeBytes), Grant: g, By: s.me.Pseudonym, ByUser: s.d.in.Chat, Expires: s.d.now.Add(InviteTTL)}
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
	var g Grant
	switch r {
	case RoleAdmin:
		g = Grant{Role: RoleAdmin}
	case RoleOperator:
		c, ok := s.d.dir.Centre(where)
		if !ok {
			return Grant{}, false
		}
		g = Grant{Role: r, Network: c.Network, Centre: c.ID}
	default:
		if _, ok := s.d.dir.Network(where); !ok {
			return Grant{}, false
		}
		g = Grant{Role: r, Network: where}
	}
	return g, s.me.mayGive(g)
}

// makerMayGive tells whether whoever made inv (an invite or a group's
// link code) may still give its grant: a link left behind by someone
// revoked gives nothing. Codes made before their maker was recorded give
// nothing either.
func (s *Service) makerMayGive(ctx context.Context, inv Invite) (bool, error) {
	if inv.ByUser == 0 {
		return false, nil
	}
	by, _, err := s.effectiveStaff(ctx, inv.ByUser)
	return err == nil && by.mayGive(inv.Grant), err
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
	if err == nil && found {
		found, err = d.svc.makerMayGive(d.ctx, inv)
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
	if slices.Contains(s.d.svc.admins, entries[i].Chat) {
		// Her role comes back at her next action: saying "removed" would
		// be untrue.
		s.d.event = "staff_revoke_listed"
		s.roles()
		s.d.replies[0].Texts = append([]Text{T("staff.revoke_listed", "Pseudonym", who.Pseudonym)}, s.d.replies[0].Texts...)
		return
	}
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
