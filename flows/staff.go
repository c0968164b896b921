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

// Invite is a one-time code that grants a role when opened.
type Invite struct {
	Code    string    `json:"code"`
	Grant   Grant     `json:"grant"`
	By      string    `json:"by"` // pseudonym of who invited
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
// change may run more than once and must only depend on its argument.
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

// staffOf loads who she is on staff; bootstrap admins are admins whatever
// the store says. The zero Staff means "not staff".
func (d *dialogue) staffOf() (Staff, error) {
	if d.svc.staff == nil {
		return Staff{}, nil
	}
	st, _, err := d.svc.staff.Staff(d.ctx, d.in.Chat)
	if err != nil {
		return Staff{}, err
	}
	if slices.Contains(d.svc.admins, d.in.Chat) && !st.isAdmin() {
		// A bootstrap admin is recorded at her first staff action, so that
		// her pseudonym in the audit trail stays the same.
		st.Grants = append(st.Grants, Grant{Role: RoleAdmin})
		if st.Pseudonym == "" {
			st.Pseudonym = "A-" + strings.ToUpper(d.svc.newCode(2))
		}
		if err := d.svc.staff.SaveStaff(d.ctx, d.in.Chat, st); err != nil {
			return Staff{}, err
		}
	}
	return st, nil
}
