package flows

import (
	"frontdoor/flows/directory"
	"slices"
	"time"
)

// minCallTime is how long someone must be able to call within a window for
// the window to be one that can be kept.
const minCallTime = 30 * time.Minute

// canCall says whether someone can call her in w for a request to centre
// ("" for any centre of network), as the directory and the operator chats
// stand at now: an operator chat of that centre (of any centre of the
// network) for at least minCallTime while its centre is open, or an on-call
// chat of the network, which answers at any hour.
func canCall(dir *directory.Directory, ops []Operator, centre, network string, w Window, now time.Time) bool {
	from := w.Start
	if now.After(from) {
		from = now
	}
	if !from.Before(w.End) {
		return false
	}
	var checked []string
	for _, op := range ops {
		c, ok := dir.Centre(op.Centre)
		if !ok || c.Network != network {
			continue
		}
		if op.OnCall {
			return true
		}
		if centre != "" && op.Centre != centre || slices.Contains(checked, c.ID) {
			continue
		}
		checked = append(checked, c.ID)
		if c.OpenWithin(from, w.End) >= minCallTime {
			return true
		}
	}
	return false
}
