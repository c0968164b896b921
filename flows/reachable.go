package flows

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"frontdoor/flows/directory"
	"frontdoor/flows/logattr"
)

// escalateFrom is when a request starts to wait: when operators were last
// told of it, or her first window, if later. A request for tomorrow
// morning waits for the morning, not for the night's on-call operator.
func (c Callback) escalateFrom() time.Time {
	if fs := c.firstStart(); fs.After(c.Announced) {
		return fs
	}
	return c.Announced
}

// tickHeld keeps a request reachable and its operator honest: a request
// whose centre left the directory goes to its network; one taken in a chat
// that no longer receives it goes back to the others; one taken and not
// closed CallbackCloseWithin after her last window reminds its operator
// once, then, CallbackEscalate later, goes back to the others and is
// escalated like a new one. event is "" when nothing is due.
func (s *Service) tickHeld(ctx context.Context, dir *directory.Directory, ops []Operator, cb Callback, now time.Time) (Change, string) {
	if _, ok := dir.Centre(cb.Centre); !ok && cb.Centre != "" {
		if _, ok := dir.Network(cb.Network); ok {
			cb.Centre, cb.Announced = "", now
			ch := Change{Put: []Callback{cb}}
			if cb.TakenBy == 0 { // a taken one goes back first, at the next tick
				ch.Send = announce(targets(ops, dir, cb), dir, cb, "op.card.moved")
			}
			return ch, "callback_moved_to_network"
		}
	}
	if cb.TakenBy == 0 {
		return Change{}, ""
	}
	if !holds(ops, dir, cb) {
		return s.release(ctx, ops, dir, cb, now, "op.card.back"), "callback_holder_left"
	}
	due := cb.lastEnd().Add(s.cb.closeWithin)
	switch {
	case !cb.Reminded && !now.Before(due):
		cb.Reminded = true
		remind := Reply{Texts: []Text{T("op.remind", "Ticket", cb.Ticket, "Taken", stamp(cb.TakenAt))}, Buttons: workButtons(cb.Ticket)}
		return Change{Put: []Callback{cb}, Send: []Outgoing{toOperators(cb.TakenBy, remind)}}, "callback_taker_reminded"
	case cb.Reminded && !now.Before(due.Add(s.cb.escalate)):
		cb.Stage = 0
		return s.release(ctx, ops, dir, cb, now, "op.card.late"), "callback_taken_back"
	}
	return Change{}, ""
}

// dropStrayOperators removes the receiving chats of centres that left the
// directory, so that a centre imported later with the same id does not
// inherit them, and returns the others.
func (s *Service) dropStrayOperators(ctx context.Context, dir *directory.Directory) ([]Operator, error) {
	ops, err := s.cb.store.Operators(ctx)
	if err != nil {
		return nil, err
	}
	kept := make([]Operator, 0, len(ops))
	for _, op := range ops {
		if _, ok := dir.Centre(op.Centre); ok {
			kept = append(kept, op)
			continue
		}
		if _, err := s.cb.store.DeleteOperator(ctx, op.Chat); err != nil {
			return nil, err
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "operator chat of a removed centre dropped", logattr.Event("operator_dropped"))
	}
	return kept, nil
}

// alertCoordinators tells the coordinators of a request's network (the
// admins, when it has none) that it escalated with nobody on call.
func (s *Service) alertCoordinators(ctx context.Context, dir *directory.Directory, cb Callback) []Outgoing {
	if s.staff == nil {
		return nil
	}
	entries, err := s.staff.ListStaff(ctx)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "staff load failed", logattr.Event("store_error"), logattr.Op("list_staff"), logattr.Err(err))
		return nil
	}
	var coords []int64
	admins := slices.Clone(s.admins)
	for _, e := range entries {
		e.Staff, _ = s.withAdmins(e.Chat, e.Staff)
		switch {
		case e.Chat == 0:
		case e.Staff.isAdmin():
			admins = append(admins, e.Chat)
		case slices.Contains(e.Staff.Grants, Grant{Role: RoleCoordinator, Network: cb.Network}):
			coords = append(coords, e.Chat)
		}
	}
	if len(coords) == 0 {
		coords = admins
	}
	network := cb.Network
	if n, ok := dir.Network(cb.Network); ok {
		network = n.Name
	}
	alert := Reply{Texts: []Text{
		T("op.nobody_on_call", "Network", network),
		T("op.nobody_on_call.request", "Ticket", cb.Ticket, "Centre", opTarget(dir, cb), "At", stamp(cb.Created)),
		T("op.nobody_on_call.what"),
	}}
	var out []Outgoing
	for _, chat := range coords {
		if !slices.ContainsFunc(out, func(o Outgoing) bool { return o.Chat == chat }) {
			out = append(out, toOperators(chat, alert))
		}
	}
	return out
}

// Orphans are what a new directory would leave unreachable: the receiving
// chats of centres it no longer has, and the open requests of networks it
// no longer has. (The requests of a centre it no longer has go to the
// centre's network.)
type Orphans struct {
	Chats    []Operator
	Requests []Callback
}

// Empty says whether nothing would be left unreachable.
func (o Orphans) Empty() bool { return len(o.Chats)+len(o.Requests) == 0 }

// FindOrphans lists what replacing the directory by next would leave
// unreachable; such a change is refused until they are dealt with.
func FindOrphans(next directory.Data, ops []Operator, cbs []Callback) Orphans {
	var out Orphans
	for _, op := range ops {
		if !slices.ContainsFunc(next.Centres, func(c directory.Centre) bool { return c.ID == op.Centre }) {
			out.Chats = append(out.Chats, op)
		}
	}
	for _, cb := range cbs {
		if !slices.ContainsFunc(next.Networks, func(n directory.Network) bool { return n.ID == cb.Network }) {
			out.Requests = append(out.Requests, cb)
		}
	}
	return out
}
