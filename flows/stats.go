package flows

import (
	"context"
	"frontdoor/flows/directory"
	"time"
)

// The counters of the anonymous statistics the networks report to the
// Region. Each counts an event; none says who.
const (
	CountConversations  = "conversations"
	CountSearchTown     = "search_town"
	CountSearchLocation = "search_location"
	CountOpenNow        = "search_open_now"
	CountEmergency      = "emergency_shown"
	CountRequested      = "callback_requested"
	CountTaken          = "callback_taken"
	CountDone           = "callback_done"
	CountUnreached      = "callback_unreached"
	CountEscalated      = "callback_escalated"
	CountCancelled      = "callback_cancelled"
	CountWipe           = "wipe"
	CountIdleWipe       = "idle_wipe"
)

// takenBuckets are the fixed buckets of the time from a request to "taken":
// a distribution, never a time.
var takenBuckets = []struct {
	name  string
	below time.Duration
}{
	{"taken_within_15m", 15 * time.Minute},
	{"taken_within_1h", time.Hour},
	{"taken_within_4h", 4 * time.Hour},
	{"taken_within_24h", 24 * time.Hour},
}

// countTakenLater is the last bucket: taken a day or more after the request.
const countTakenLater = "taken_later"

// CounterNames lists every counter in the order reports show them.
var CounterNames = func() []string {
	out := []string{CountConversations, CountSearchTown, CountSearchLocation, CountOpenNow, CountEmergency,
		CountRequested, CountTaken, CountDone, CountUnreached, CountEscalated, CountCancelled}
	for _, b := range takenBuckets {
		out = append(out, b.name)
	}
	return append(out, countTakenLater, CountWipe, CountIdleWipe)
}()

// Count is one event to count: its month ("2027-01", Europe/Rome), the
// network and centre it concerns ("" when none or any), the language of
// the conversation and the counter. It adds one; nothing in it points to a
// person, and no time is finer than a month.
type Count struct {
	Month   string
	Network string
	Centre  string
	Lang    string
	Name    string
}

// Stat is the value of one counter.
type Stat struct {
	Count
	N int64
}

// StatsStore reads the counters that Change.Count adds.
type StatsStore interface {
	// Stats returns the counters of the months from..to ("2027-01"),
	// both included, sorted by month, network, centre, language, name.
	Stats(ctx context.Context, from, to string) ([]Stat, error)
}

// MonthOf is the month a time counts in, in Italy's time.
func MonthOf(t time.Time) string { return t.In(directory.Rome).Format("2006-01") }

// ValidMonth says whether s is a month as counters key it.
func ValidMonth(s string) bool {
	_, err := time.Parse("2006-01", s)
	return err == nil && len(s) == 7
}

// count builds a Count of the month of now.
func count(now time.Time, name, network, centre, lang string) Count {
	return Count{Month: MonthOf(now), Network: network, Centre: centre, Lang: lang, Name: name}
}

// takenCount is the bucket of the wait from a request to "taken".
func takenCount(now time.Time, cb Callback, centre string) Count {
	wait := now.Sub(cb.Created)
	name := countTakenLater
	for _, b := range takenBuckets {
		if wait < b.below {
			name = b.name
			break
		}
	}
	return count(now, name, cb.Network, centre, cb.UILang)
}

// eventCounts maps the events of her dialogue to the counters they add.
// The welcome counts as a conversation only when it starts a new session.
func (d *dialogue) eventCounts() []Count {
	var out []Count
	if d.isNew && d.opened {
		// A conversation opens with the welcome, or with the numbers
		// when her first words asked for help; a town she named in them
		// is counted too.
		out = append(out, count(d.now, CountConversations, d.sess.Network, "", d.sess.Lang))
	}
	var name string
	switch d.event {
	case "search_town", "search_outside":
		name = CountSearchTown
	case "search_location":
		name = CountSearchLocation
	case "open_now", "open_none":
		name = CountOpenNow
	case "emergency", "help":
		name = CountEmergency
	case "exit", "forget":
		name = CountWipe
	default:
		return out
	}
	return append(out, count(d.now, name, d.sess.Network, "", d.sess.Lang))
}

// centre is the centre an operator's work counts for: the request's, or
// for "whichever can call first" the operator's own.
func (o *opTurn) centre(cb Callback) string {
	if cb.Centre != "" {
		return cb.Centre
	}
	return o.op.Centre
}

// count builds the Count of an operator's action on a request.
func (o *opTurn) count(name string, cb Callback) Count {
	return count(o.now, name, cb.Network, o.centre(cb), cb.UILang)
}
