package flows

import (
	"context"
	"encoding/base32"
	"io"
	"slices"
	"strings"
	"time"
)

// Role is what a member of staff may do. Roles are checked on every use.
type Role string

// The roles, from the widest to the narrowest.
const (
	// RoleAdmin runs the whole deployment.
	RoleAdmin Role = "admin"
	// RoleCoordinator runs one network: its staff, its directory, its figures.
	RoleCoordinator Role = "coordinator"
	// RoleVolunteer keeps one network's directory true.
	RoleVolunteer Role = "volunteer"
	// RoleOperator handles the callbacks of one centre.
	RoleOperator Role = "operator"
)

// Roles lists every role, for validation and menus.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleVolunteer, RoleOperator}

// Grant gives a role over a network (coordinator, volunteer) or a centre
// (operator); an admin grant has neither.
type Grant struct {
	Role    Role   `json:"r"`
	Network string `json:"n,omitempty"`
	Centre  string `json:"c,omitempty"`
	// Boot marks the admin grant of an id in FRONTDOOR_ADMINS: it lasts
	// only as long as the id stays in the list. An invite never gives it.
	Boot bool `json:"b,omitempty"`
}

// Staff is what the bot knows of a member of staff: a pseudonym for the
// audit trail, the name she chose to be called by, and her grants. Her
// Telegram id is only the (hashed) key.
type Staff struct {
	Pseudonym string `json:"p"`
	// Name is the display name she chose for herself: colleagues see it
	// on the cards she takes and in the lists of receiving chats.
	Name   string  `json:"nm,omitempty"`
	Grants []Grant `json:"g,omitempty"`
}

// Called is how colleagues see her: her chosen name, or her pseudonym.
func (s Staff) Called() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Pseudonym
}

// StaffEntry is one member of staff in a listing. Ref is an opaque handle
// (not her Telegram id) that buttons carry; Chat is her private chat (her
// user id), for messages to her and her receiving chat, never shown.
type StaffEntry struct {
	Ref   string
	Chat  int64
	Staff Staff
}

// Invite is a one-time code that grants a role when opened, as long as
// the one who made it may still give it.
type Invite struct {
	Code    string    `json:"code"`
	Grant   Grant     `json:"grant"`
	By      string    `json:"by"` // pseudonym of who invited
	ByUser  int64     `json:"byu,omitempty"`
	Expires time.Time `json:"exp"`
}

// AuditEntry records one change of the directory or of the staff: who (a
// pseudonym), when, what, before and after. It never holds data of women.
type AuditEntry struct {
	At      time.Time `json:"at"`
	Who     string    `json:"who"`
	Network string    `json:"net,omitempty"`
	Subject string    `json:"subj"` // a centre id, or a staff pseudonym
	Field   string    `json:"field"`
	Before  string    `json:"before,omitempty"`
	After   string    `json:"after,omitempty"`
}

// StaffStore keeps staff, invites and the audit trail.
type StaffStore interface {
	Staff(ctx context.Context, user int64) (Staff, bool, error)
	// SaveStaff stores her grants; with no grants left, it forgets her.
	SaveStaff(ctx context.Context, user int64, s Staff) error
	ListStaff(ctx context.Context) ([]StaffEntry, error)
	// RevokeStaff removes the grants of the member with ref.
	RevokeStaff(ctx context.Context, ref string) error
	SaveInvite(ctx context.Context, inv Invite) error
	// TakeInvite returns and deletes an invite in one step, so that a code
	// works once; found is false for unknown or expired codes.
	TakeInvite(ctx context.Context, code string, now time.Time) (inv Invite, found bool, err error)
	AppendAudit(ctx context.Context, e AuditEntry) error
	// Audit returns the latest entries, newest first, of a network ("" = all).
	Audit(ctx context.Context, network string, n int) ([]AuditEntry, error)
}

// DirectoryUpdater changes the stored directory in one transaction, so that
// two volunteers editing at once never lose each other's change. When no
// directory is stored yet (the sample is in use), change applies to base.
// change may run more than once and must only depend on its argument. Of a
// centre whose address is confidential the result keeps only the position
// of its comune (KeepCoarse).
type DirectoryUpdater interface {
	UpdateDirectory(ctx context.Context, base DirectoryData, change func(*DirectoryData) error) (DirectoryData, error)
}

// InviteTTL is how long an invite can be opened.
const InviteTTL = 24 * time.Hour

// invitePrefix marks an invite code in a /start payload.
const invitePrefix = "inv_"

// inviteCodeBytes is the size of an invite's code: sixteen letters and
// digits in a link.
const inviteCodeBytes = 10

// newCode returns a random code of n bytes, readable and safe in a deep link.
func (s *Service) newCode(n int) string {
	b := make([]byte, n)
	_, _ = io.ReadFull(s.rand, b) // crypto/rand never fails; tests' readers neither
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// has tells whether s may act with role r on network (and centre); admins
// may act everywhere, and a coordinator may do what a volunteer may.
func (s Staff) has(r Role, network string) bool {
	for _, g := range s.Grants {
		switch {
		case g.Role == RoleAdmin:
			return true
		case g.Network != network && network != "":
		case g.Role == r, g.Role == RoleCoordinator && r == RoleVolunteer:
			return true
		}
	}
	return false
}

// networks are the networks s may edit, in directory order; all for admins.
func (s Staff) networks(d *Directory) []Network {
	var out []Network
	for _, n := range d.Networks() {
		if s.has(RoleVolunteer, n.ID) {
			out = append(out, n)
		}
	}
	return out
}

// isAdmin reports an admin grant.
func (s Staff) isAdmin() bool {
	return slices.ContainsFunc(s.Grants, func(g Grant) bool { return g.Role == RoleAdmin })
}

// mayGive tells whether s may give the grant g: an admin any, a
// coordinator the roles of her networks but admin.
func (s Staff) mayGive(g Grant) bool {
	if g.Role == RoleAdmin {
		return s.isAdmin()
	}
	return s.has(RoleCoordinator, g.Network)
}

// staffOf loads who she is on staff, and records what FRONTDOOR_ADMINS
// changed (see effectiveStaff). The zero Staff means "not staff".
func (d *dialogue) staffOf() (Staff, error) {
	st, changed, err := d.svc.effectiveStaff(d.ctx, d.in.Chat)
	if err != nil || !changed {
		return st, err
	}
	if err := d.svc.staff.SaveStaff(d.ctx, d.in.Chat, st); err != nil {
		return Staff{}, err
	}
	return st, nil
}

// effectiveStaff is who user is on staff: her stored grants as
// withAdmins leaves them; changed tells that the stored record differs.
func (s *Service) effectiveStaff(ctx context.Context, user int64) (st Staff, changed bool, err error) {
	if s.staff == nil {
		return Staff{}, false, nil
	}
	st, _, err = s.staff.Staff(ctx, user)
	if err != nil {
		return Staff{}, false, err
	}
	st, changed = s.withAdmins(user, st)
	return st, changed, nil
}

// withAdmins gives st, the stored grants of user, the admin grant of
// FRONTDOOR_ADMINS while her id is in the list, and takes it away once it
// is not; changed tells that st differs from what was stored. A bootstrap
// admin is recorded at her first staff action, so that her pseudonym in
// the audit trail stays the same. An admin grant recorded before grants
// were marked is taken for the list's when her id is in it.
func (s *Service) withAdmins(user int64, st Staff) (Staff, bool) {
	listed := slices.Contains(s.admins, user)
	boot := slices.IndexFunc(st.Grants, func(g Grant) bool { return g.Boot })
	switch {
	case listed && boot < 0:
		st.Grants = slices.Clone(st.Grants)
		if i := slices.Index(st.Grants, Grant{Role: RoleAdmin}); i >= 0 {
			st.Grants[i].Boot = true
		} else {
			st.Grants = append(st.Grants, Grant{Role: RoleAdmin, Boot: true})
		}
		if st.Pseudonym == "" {
			st.Pseudonym = "A-" + strings.ToUpper(s.newCode(2))
		}
		return st, true
	case !listed && boot >= 0:
		st.Grants = slices.Delete(slices.Clone(st.Grants), boot, boot+1)
		return st, true
	}
	return st, false
}
