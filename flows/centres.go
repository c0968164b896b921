package flows

import (
	"strings"
	"time"

	"frontdoor/flows/directory"
)

// nearestCount is how many centres a shared location lists.
const nearestCount = 3

// town answers a town named by a button ("did you mean", "which one?", a
// card's "back"): its centres, the nearest ones, or the comuni to pick
// from. The button carries a handle (see townData); buttons made before
// handles carry the town's name, which is looked up as she would type it.
func (d *dialogue) town(arg string) {
	var f townFind
	switch {
	case strings.HasPrefix(arg, coveredPrefix):
		f.name, f.centres = d.dir.TownByHandle(arg[len(coveredPrefix):])
	case isComuneCode(arg):
		if p := directory.Italy().ByCode(arg); p != nil {
			f = d.placeFind(p)
		}
	default:
		f, _ = d.lookupTown(arg, true)
	}
	if !f.found() {
		d.event = "stale_button"
		d.find()
		d.sess.State = stFind
		return
	}
	d.townAnswer(f)
}

// Town buttons carry a short, stable handle instead of the town's name, so
// that their data is as short for any town: "town:" and the comune's ISTAT
// code, or "town:~" and the handle of a covered town.
const coveredPrefix = "~"

// comuneData is the data of a button for a comune of the gazetteer.
func comuneData(p *directory.Place) string { return "town:" + p.Code }

// coveredTownData is the data of a button for a covered town.
func coveredTownData(name string) string {
	return "town:" + coveredPrefix + directory.TownHandle(name)
}

// isComuneCode tells whether a town button's argument is an ISTAT code: six
// digits, which no name of a town is.
func isComuneCode(arg string) bool {
	if len(arg) != 6 {
		return false
	}
	for _, c := range []byte(arg) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// coveredTown shows the centres of a town they cover.
func (d *dialogue) coveredTown(name string, centres []*directory.Centre) {
	d.event = "search_town"
	d.sess.Town = name
	d.sess.Network = centres[0].Network
	if len(centres) == 1 {
		d.say(d.cardReply(centres[0], true))
		return
	}
	d.listCentres([]Text{T("list.town", "Town", name), T("list.hint")}, centres)
}

// searching tells whether free text is expected to be a town: she was asked
// for one, or is looking at results.
func (d *dialogue) searching() bool {
	return d.stateBefore == stFind || d.stateBefore == stResults
}

// nearest lists the centres closest to a shared location, and says so when
// the location is in a comune outside every area.
func (d *dialogue) nearest(lat, lon float64) {
	ranked := d.dir.Nearest(lat, lon, nearestCount)
	if len(ranked) == 0 {
		d.find()
		d.sess.State = stFind
		return
	}
	d.event = "search_location"
	d.sess.Town = ""
	if p := directory.Italy().Nearest(lat, lon); p != nil {
		if _, cs := d.dir.CoveredPlace(p); len(cs) == 0 {
			d.outside(p, ranked)
			return
		}
	}
	d.sess.Network = ranked[0].Centre.Network
	items, centres := d.rankedItems(ranked)
	d.list([]Text{T("list.nearest"), T("list.hint")}, items, centres)
}

// rankedItems numbers centres ranked by distance, each with its distance
// except a centre whose address is confidential: it is ranked by the point
// of its comune (directory.Coarsen), which is no distance to tell her.
func (d *dialogue) rankedItems(ranked []directory.Ranked) ([]Text, []*directory.Centre) {
	items := make([]Text, 0, len(ranked))
	centres := make([]*directory.Centre, 0, len(ranked))
	for i, r := range ranked {
		if r.Centre.AddressConfidential {
			items = append(items, d.listItem(i+1, r.Centre, nil))
		} else {
			dist := distanceText(r.Metres)
			items = append(items, d.listItem(i+1, r.Centre, &dist))
		}
		centres = append(centres, r.Centre)
	}
	return items, centres
}

// network lists the centres of one network.
func (d *dialogue) network(id string) {
	n, ok := d.dir.Network(id)
	if !ok {
		d.find()
		d.sess.State = stFind
		return
	}
	d.event = "search_network"
	d.sess.Network, d.sess.Town = n.ID, ""
	d.listCentres([]Text{T("list.area"), T("list.hint"), T("list.network", "Network", n.Label())}, d.dir.Centres(n.ID))
}

// list sends title lines (the first two neutral: names of centres and
// networks may say what they are), numbered items, one button per centre
// and any extra rows.
func (d *dialogue) list(title []Text, items []Text, centres []*directory.Centre, extra ...[]Button) {
	texts := append(title, items...)
	if d.dir.Sample() {
		texts = append(texts, T("sample.card"))
	}
	rows := make([][]Button, 0, len(centres)+len(extra)+1)
	for _, c := range centres {
		rows = append(rows, []Button{{Label: Raw(c.Label()), Data: "c:" + c.ID}})
	}
	rows = append(rows, extra...)
	d.say(Reply{Texts: texts, Buttons: append(rows, navRow(true)), Protect: true})
}

// listCentres lists centres, numbered, each with whether it is open.
func (d *dialogue) listCentres(title []Text, centres []*directory.Centre) {
	items := make([]Text, len(centres))
	for i, c := range centres {
		items[i] = d.listItem(i+1, c, nil)
	}
	d.list(title, items, centres)
}

// listItem is one line of a list: name, town, distance and whether open.
func (d *dialogue) listItem(n int, c *directory.Centre, distance *Text) Text {
	status := d.status(c)
	if distance != nil {
		return T("list.item_distance", "N", n, "Name", c.Label(), "Town", c.Town, "Distance", *distance, "Status", status)
	}
	return T("list.item", "N", n, "Name", c.Label(), "Town", c.Town, "Status", status)
}

// status says briefly whether a centre is open now or when it opens.
func (d *dialogue) status(c *directory.Centre) Text {
	if open, until := c.OpenAt(d.now); open {
		switch {
		case until.IsZero():
			return T("status.open_always")
		case directory.DateOf(until) != directory.DateOf(d.now):
			return T("status.open_until_when", "When", d.when(until))
		}
		return T("status.open_until", "Until", clockOf(until))
	}
	if next, ok := c.NextOpening(d.now); ok {
		return T("status.opens", "When", d.when(next))
	}
	return T("status.closed")
}

// card shows one centre.
func (d *dialogue) card(id string) {
	c, ok := d.dir.Published(id)
	if !ok {
		d.event = "stale_button"
		d.find()
		d.sess.State = stFind
		return
	}
	d.sess.Network = c.Network
	d.event = "card"
	d.say(d.cardReply(c, false))
}

// cardReply builds the card of a centre: everything she needs to reach it.
func (d *dialogue) cardReply(c *directory.Centre, fromTown bool) Reply {
	today := directory.DateOf(d.now)
	// Names often say what the centre is: they never stand on the first
	// two lines, which lock screens show.
	texts := []Text{T("card.town", "Town", c.Town)}
	if slots := c.SlotsOn(today); len(slots) > 0 {
		texts = append(texts, T("card.today", "Hours", directory.SlotsText(slots)))
	} else if directory.IsHoliday(today) && !c.OpenOnHolidays && len(c.Hours[today.Weekday()]) > 0 {
		texts = append(texts, T("card.today_holiday"))
	} else {
		texts = append(texts, T("card.today_closed"))
	}
	texts = append(texts, T("card.name", "Name", c.Name))
	if c.AddressConfidential || c.Address == "" {
		texts = append(texts, T("card.address_by_phone"))
	} else {
		texts = append(texts, T("card.address", "Address", c.Address))
	}
	if len(c.Phones) > 0 {
		texts = append(texts, T("card.phones", "Phones", directory.PhonesText(c.Phones)))
	}
	texts = append(texts, d.status(c))
	if cl, ok := directory.ClosureOn(c, today); ok {
		texts = append(texts, T("card.closure", "Reason", cl.Reason, "Until", dateText(cl.To)))
	} else if cl, ok := closureSoon(c, today); ok {
		texts = append(texts, closureSoonText(cl))
	}
	texts = append(texts, d.lines24(c.Network)...)
	if len(c.Languages) > 0 {
		names := make([]string, len(c.Languages))
		for i, l := range c.Languages {
			names[i] = directory.LanguageName(l)
		}
		texts = append(texts, T("card.languages", "Languages", strings.Join(names, ", ")))
	}
	if len(c.Services) > 0 {
		services := make([]Text, len(c.Services))
		for i, s := range c.Services {
			services[i] = T("service." + s)
		}
		texts = append(texts, T("card.services", "Services", services))
	}
	if d.dir.Sample() {
		texts = append(texts, T("sample.card"))
	}
	var rows [][]Button
	switch {
	case fromTown:
	case d.sess.Town != "":
		rows = append(rows, []Button{{Label: T("button.back"), Data: coveredTownData(d.sess.Town)}})
	case d.sess.Network != "":
		rows = append(rows, []Button{{Label: T("button.back"), Data: "net:" + d.sess.Network}})
	}
	rows = append(rows, d.callbackCardRow(c)...)
	rows = append(rows, aboutRow())
	return Reply{Texts: texts, Buttons: append(rows, navRow(true)), Protect: true}
}

// open lists the centres open now in her network; when none is, it says so,
// gives the numbers that are always on and the next opening.
func (d *dialogue) open(arg string) {
	network := arg
	if network == "" {
		network = d.sess.Network
	}
	nets := d.dir.Networks()
	if network == "" && len(nets) == 1 {
		network = nets[0].ID
	}
	var name string
	if network == "*" {
		network = ""
		name = ""
	} else if n, ok := d.dir.Network(network); ok {
		name = n.Label()
		d.sess.Network = n.ID
	} else {
		d.event = "open_pick"
		d.sess.State = stFind
		rows := d.networkButtons("open")
		rows = append(rows, []Button{{Label: T("button.all_areas"), Data: "open:*"}}, navRow(true))
		d.say(Reply{Texts: []Text{T("open.pick")}, Buttons: rows})
		return
	}
	var networkLine []Text
	if name != "" {
		networkLine = []Text{T("list.network", "Network", name)}
	}
	openNow := d.dir.OpenAt(network, d.now)
	if len(openNow) > 0 {
		d.event = "open_now"
		d.listCentres(append([]Text{TN("open.count", len(openNow)), T("list.hint")}, networkLine...), openNow)
		return
	}
	d.event = "open_none"
	texts := append([]Text{T("open.title"), T("open.none")}, networkLine...)
	texts = append(append(texts, T("open.always")), alwaysOnLines()...)
	texts = append(texts, d.lines24(network)...)
	var rows [][]Button
	if c, at, ok := d.dir.NextOpening(network, d.now); ok {
		texts = append(texts, T("open.next", "Name", c.Label(), "Town", c.Town, "When", d.when(at)))
		rows = append(rows, []Button{{Label: Raw(c.Label()), Data: "c:" + c.ID}})
	}
	rows = append(rows, chatRow())
	if d.dir.Sample() {
		texts = append(texts, T("sample.card"))
	}
	d.say(Reply{Texts: texts, Buttons: append(rows, navRow(true)), Protect: true})
}

// when says a coming moment as people do: "today at 15:00", "tomorrow at
// 9:00", "on Monday at 9:00", "on 7 January at 9:00".
func (d *dialogue) when(t time.Time) Text {
	clock := clockOf(t)
	today, day := directory.DateOf(d.now), directory.DateOf(t)
	switch {
	case day == today:
		return T("when.today", "Time", clock)
	case day == today.AddDays(1):
		return T("when.tomorrow", "Time", clock)
	case day.Before(today.AddDays(7)):
		return T("when.weekday", "Day", weekdayText(day.Weekday()), "Time", clock)
	}
	return T("when.date", "Date", dateText(day), "Time", clock)
}

func clockOf(t time.Time) string {
	t = t.In(directory.Rome)
	return directory.Clock(t.Hour()*60 + t.Minute()).String()
}

func weekdayText(w time.Weekday) Text { return T("weekday." + w.String()) }

func dateText(d directory.Date) Text {
	return T("date.day_month", "Day", d.Day, "Month", T("month."+d.Month.String()))
}

// distanceText rounds a distance the way a person reads it.
func distanceText(m int) Text {
	if m < 1000 {
		return T("distance.m", "Metres", (m+25)/50*50)
	}
	return T("distance.km", "Km", float64((m+50)/100)/10)
}

// closureNotice is how many days before a closure women see it on the card.
const closureNotice = 14

// closureSoon is the first closure of c that starts within closureNotice
// days after day.
func closureSoon(c *directory.Centre, day directory.Date) (directory.Closure, bool) {
	var soon directory.Closure
	found := false
	for _, cl := range c.Closures {
		if day.Before(cl.From) && !day.AddDays(closureNotice).Before(cl.From) && (!found || cl.From.Before(soon.From)) {
			soon, found = cl, true
		}
	}
	return soon, found
}

// closureSoonText announces a coming closure: "closed from 24 to 26
// December", "closed on 25 December".
func closureSoonText(cl directory.Closure) Text {
	if cl.From == cl.To {
		return T("card.closure_soon_day", "Date", dateText(cl.From), "Reason", cl.Reason)
	}
	from := dateText(cl.From)
	if cl.From.Year == cl.To.Year && cl.From.Month == cl.To.Month {
		from = T("date.day", "Day", cl.From.Day)
	}
	return T("card.closure_soon", "From", from, "To", dateText(cl.To), "Reason", cl.Reason)
}

// lines24 are the lines that always answer of network ("" for every
// network), shown when none of its centres is open: ARCA's reperibilità
// beside 1522 and 112.
func (d *dialogue) lines24(network string) []Text {
	var out []Text
	for _, n := range d.dir.Networks() {
		if n.Phone24h == "" || network != "" && n.ID != network || len(d.dir.OpenAt(n.ID, d.now)) > 0 {
			continue
		}
		out = append(out, T("card.line24", "Network", n.Name, "Phone", directory.PhoneText(n.Phone24h)))
	}
	return out
}
