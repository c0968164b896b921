package flows_test

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
)

// cell is what the matrix says of one actor and one action.
type cell string

const (
	allowed cell = "Y"
	denied  cell = "-"
	// notApplicable: an action in a group, for someone who acts in her
	// private chat.
	notApplicable cell = "."
	// odd: the answer and the stored state disagree (told it was done when
	// it was not, or the reverse). Never expected.
	odd cell = "!"
)

// agree is the cell of an action whose answer (said) and stored effect
// (done) must agree.
func agree(said, done bool) cell {
	switch {
	case said && done:
		return allowed
	case !said && !done:
		return denied
	}
	return odd
}

func yesNo(b bool) cell {
	if b {
		return allowed
	}
	return denied
}

// step is one thing an actor does; it returns what the bot answered.
type step func(w *world, a actor) flows.Result

// tap presses a button with data where she acts.
func tap(data string) step {
	return func(w *world, a actor) flows.Result { return w.press(a.chat(), a.user, data) }
}

// tapf presses a button whose data depends on the world (a ticket, a
// handle), where she acts.
func tapf(data func(w *world) string) step {
	return func(w *world, a actor) flows.Result { return w.press(a.chat(), a.user, data(w)) }
}

// write types text where she acts.
func write(s string) step {
	return func(w *world, a actor) flows.Result { return w.text(a.chat(), a.user, s) }
}

// slash types a command line where she acts.
func slash(line string) step {
	return func(w *world, a actor) flows.Result { return w.command(a.chat(), a.user, line) }
}

// slashf types a command line that depends on the world, where she acts.
func slashf(line func(w *world) string) step {
	return func(w *world, a actor) flows.Result { return w.command(a.chat(), a.user, line(w)) }
}

// privately does s in her private chat, where the number of a request she
// took arrives with its buttons.
func privately(s step) step {
	return func(w *world, a actor) flows.Result { return s(w, a.private()) }
}

// keepCode does s and keeps the invite or link code it answered with.
func keepCode(s step) step {
	return func(w *world, a actor) flows.Result {
		res := s(w, a)
		if code := codeIn(res); code != "" {
			w.code = code
		}
		return res
	}
}

// drafted fills in a request to target for window where she acts, up to
// its summary.
func drafted(target, window string) step {
	return func(w *world, a actor) flows.Result {
		w.draft(a.chat(), a.user, target, window)
		return flows.Result{}
	}
}

// later moves the clock to t.
func later(t time.Time) step {
	return func(w *world, _ actor) flows.Result {
		w.clk.Set(t)
		return flows.Result{}
	}
}

// upload sends the directory file she would send: her own export (or,
// when she gets none, the whole directory) with centre B changed by edit,
// or added so changed when her file does not hold it.
func upload(edit func(*directory.Centre)) step {
	return func(w *world, a actor) flows.Result {
		w.t.Helper()
		d := w.svc.Directory().Data()
		if doc := document(w.press(a.chat(), a.user, "st.export")); doc != nil {
			var err error
			if d, err = dirfile.Decode(bytes.NewReader(doc.Data)); err != nil {
				w.t.Fatal(err)
			}
		}
		changed := w.original(azCentreB)
		edit(&changed)
		if i := slices.IndexFunc(d.Centres, func(c directory.Centre) bool { return c.ID == azCentreB }); i >= 0 {
			d.Centres[i] = changed
		} else {
			d.Centres = append(d.Centres, changed)
		}
		var file bytes.Buffer
		if err := dirfile.Encode(&file, d); err != nil {
			w.t.Fatal(err)
		}
		return w.do(flows.Input{Chat: a.chat(), From: a.user, Group: a.chat() < 0, Kind: flows.KindDocument,
			Document: file.Bytes(), DocumentName: "directory.toml"})
	}
}

// renamed and moved are the changes to centre B that files make.
func renamed(c *directory.Centre) { c.Name = azRenamed }
func moved(c *directory.Centre)   { c.Network = "amaranta" }

// azRenamed is centre B's name in an imported file.
const azRenamed = "Centro ARCA – Crema (nuova sede)"

// ownDraftSteps are the buttons of the request she is writing that the
// matrix does not try one by one: each only moves the draft kept in the
// session of the chat that pressed it, which nobody else can reach.
var ownDraftSteps = []string{"cb:n", "cb:tel", "cb:pok", "cb:ty", "cb:tn", "cb:l", "cb:e", "cb:b", "cb:r", "cb:x"}

// publicActions are the commands and buttons of the woman's dialogue
// that anyone may use in a private chat, alike for everyone, on her own
// conversation only: not in the matrix.
var publicActions = []string{
	"/start", "/menu", "/help", "/aiuto", "/find", "/centri", "/cerca", "/open", "/aperti",
	"/sos", "/numeri", "/numbers", "/emergenza", "/emergency", "/lang", "/lingua", "/language",
	"/exit", "/esci", "/stop", "/fine", "/privacy", "/forget", "/dimentica", "/cancella",
	"menu", "find", "open", "sos", "lang", "exit", "privacy", "idle", "leave", "forget", "net", "c", "town", "about",
}

// column is an action of the matrix, tried by every actor, each in a
// world of her own: setup makes the world the action needs, prep is what
// she does first (as anyone would to get there), then what happens to her
// (actor.after), then act, and check tells from the answer and the stored
// state what she got.
type column struct {
	code    string
	input   string // what she sends, for the legend
	allowed string // what she notices when it is allowed
	// verbs are the commands and button verbs of the code this column
	// tries ("/staff", "st.edit", "op:take", "cb:del").
	verbs     []string
	groupOnly bool
	setup     func(w *world)
	prep      []step
	act       step
	check     func(w *world, a actor, res flows.Result) cell
}

// shown is the check of a screen: its message id is in the answer.
func shown(id string) func(*world, actor, flows.Result) cell {
	return func(_ *world, _ actor, res flows.Result) cell { return yesNo(hasText(res, id)) }
}

// columnGroups title the grids of the matrix, by the letter of their
// columns' codes.
var columnGroups = []struct{ letter, title string }{
	{"M", "The staff menu and editing a centre (centre B)"},
	{"C", "Adding, deleting, importing and exporting centres; the audit trail"},
	{"S", "Figures (counters of February 2027 of both networks)"},
	{"P", "People: invites, roles, names"},
	{"R", "Receiving chats and link codes"},
	{"O", "Operators' cards (the woman's request to centre A)"},
	{"G", "On call, and other talk in groups"},
	{"W", "Her callback request"},
	{"F", "Forged, stale and malformed data"},
}

// Steps shared by several columns.
var (
	azHours      = []step{tap("st.hours:" + azCentreB), write("lun-ven 9-12")}
	azClosure    = []step{tap("st.closure:" + azCentreB), write("chiuso 24/12/2027-26/12/2027 feste")}
	azPhones     = []step{tap("st.field:" + azCentreB + "/phones"), write("0373 111111")}
	azServices   = []step{tap("st.field:" + azCentreB + "/services"), tap("st.tog:legal")}
	azLine       = []step{tap("st.line:arca"), write("0372 111111")}
	azNewCentre  = []step{tap("st.add:arca"), write("Sportello ARCA – Soresina"), write("Soresina"), write("Via Roma 1"), write("45.2870, 9.8570"), write("0374 340000"), write("Soresina"), write("it")}
	azTake       = tapf(func(w *world) string { return "op:take:" + w.ticket })
	azTakePrep   = []step{azTake}
	azRequestA   = func(w *world) { w.request("c:"+azCentreA, "asap") }
	azColleagues = func(w *world) {
		azRequestA(w)
		if res := w.press(azGroupA, azColleague, "op:take:"+w.ticket); !hasText(res, "op.take.done") {
			w.t.Fatalf("the colleague could not take the request: %v", ids(res))
		}
		w.drain()
	}
	azAfternoon = rome(2027, time.March, 16, 14, 0)
)

// azWithClosure gives centre B a closure.
func azWithClosure(w *world) {
	cl, err := directory.ParseClosure("chiuso 24/12/2027-26/12/2027 feste", directory.DateOf(tuesdayMorning))
	if err != nil {
		w.t.Fatal(err)
	}
	w.editDirectory(func(d *directory.Data) {
		i := slices.IndexFunc(d.Centres, func(c directory.Centre) bool { return c.ID == azCentreB })
		d.Centres[i].Closures = append(d.Centres[i].Closures, cl)
	})
}

// azWithDraft adds a draft centre to ARCA, ready to be published: a copy
// of centre B with hours and phones.
func azWithDraft(w *world) {
	c := w.original(azCentreB)
	c.ID, c.Name, c.Town, c.Towns, c.Draft = "arca-soresina", "Sportello ARCA – Soresina", "Soresina", []string{"Soresina"}, true
	w.editDirectory(func(d *directory.Data) { d.Centres = append(d.Centres, c) })
}

// azWithoutSampleNumbers gives every centre and network a number that
// is not of the sample, so that an admin may mark the directory real.
func azWithoutSampleNumbers(w *world) {
	w.editDirectory(func(d *directory.Data) {
		for i := range d.Centres {
			d.Centres[i].Phones = []string{"+390372111111"}
		}
		for i := range d.Networks {
			d.Networks[i].Phone24h = ""
		}
	})
}

// azLinkCode has a coordinator make a link code for centre.
func azLinkCode(by int64, centre string) func(w *world) {
	return func(w *world) {
		if w.code = codeIn(w.press(by, by, "st.link:"+centre)); w.code == "" {
			w.t.Fatalf("no link code for %s", centre)
		}
	}
}

// azInvite has a member of staff make an invite with data.
func azInvite(by int64, data string) func(w *world) {
	return func(w *world) {
		if w.code = codeIn(w.press(by, by, data)); w.code == "" {
			w.t.Fatalf("no invite for %s", data)
		}
	}
}

// tookOrSent says whether anything took the woman's request or sent her
// number.
func tookOrSent(w *world) bool {
	cb, _ := w.requestNow()
	return cb.TakenBy != 0 || slices.ContainsFunc(w.queued(), func(o flows.Outgoing) bool { return o.Number })
}

// opsChanged says whether the receiving chats changed during the action.
func opsChanged(w *world) bool { return !reflect.DeepEqual(w.ops(), w.opsBefore) }

// lists is the check of a screen that lists an item id whose key is value.
func lists(id, key, value string) func(*world, actor, flows.Result) cell {
	return func(_ *world, _ actor, res flows.Result) cell { return yesNo(listed(res, id, key, value)) }
}

// tableShows is the check of the figures: the table shows network.
func tableShows(network string) func(*world, actor, flows.Result) cell {
	return func(_ *world, _ actor, res flows.Result) cell {
		return yesNo(strings.Contains(dataOf(res, "stats.table", "Table"), "network "+network))
	}
}

// csvHolds is the check of the figures' file: it holds rows of network.
func csvHolds(network string) func(*world, actor, flows.Result) cell {
	return func(_ *world, _ actor, res flows.Result) cell {
		doc := document(res)
		return yesNo(doc != nil && bytes.Contains(doc.Data, []byte(","+network+",")))
	}
}

// exportHolds is the check of the directory file: it holds network.
func exportHolds(network string) func(*world, actor, flows.Result) cell {
	return func(w *world, _ actor, res flows.Result) cell {
		return yesNo(slices.Contains(fileNetworks(w.t, document(res)), network))
	}
}

// onCall is the check of the on-call commands: her chat is on call (or
// off), and she was told so.
func onCall(on bool) func(*world, actor, flows.Result) cell {
	return func(w *world, a actor, res flows.Result) cell {
		op, ok := w.operator(a.chat())
		id := "op.oncall.off"
		if on {
			id = "op.oncall.on"
		}
		return agree(hasText(res, id), ok && op.OnCall == on)
	}
}

// reacted is the check of what the bot must leave to people in a group:
// it answered or changed something.
func reacted(w *world, _ actor, res flows.Result) cell {
	return yesNo(len(res.Replies) > 0 || res.Answer != nil || len(w.queued()) > 0 || opsChanged(w))
}

// takeCheck: she took the woman's request and her number is on its way to
// her private chat.
func takeCheck(w *world, a actor, res flows.Result) cell {
	cb, _ := w.requestNow()
	return agree(hasText(res, "op.take.done"), cb.TakenBy == a.user && w.numberTo(a.user))
}

var matrixColumns = []column{
	{code: "M1", input: "/staff", allowed: "the staff menu", verbs: []string{"/staff"}, act: slash("/staff"), check: shown("staff.menu_title")},
	{code: "M2", input: "st.menu", allowed: "the staff menu", verbs: []string{"st.menu"}, act: tap("st.menu"), check: shown("staff.menu_title")},
	{code: "M3", input: "(after M2) ciao", allowed: "told to use the buttons", verbs: []string{"st.text"}, prep: []step{tap("st.menu")}, act: write("ciao"),
		check: shown("staff.use_buttons")},
	{code: "M4", input: "st.centres", allowed: "the centres she edits", verbs: []string{"st.centres"}, act: tap("st.centres"), check: shown("staff.centres_title")},
	{code: "M5", input: "st.edit:" + azCentreB, allowed: "the centre's edit screen (its card as staff see it)", verbs: []string{"st.edit"},
		act: tap("st.edit:" + azCentreB), check: shown("staff.edit_title")},
	{code: "M6", input: "st.hours:" + azCentreB, allowed: "asked for the hours", verbs: []string{"st.hours"}, act: azHours[0], check: shown("staff.prompt_hours")},
	{code: "M7", input: "(after M6) lun-ven 9-12", allowed: "the new week previewed", verbs: []string{"st.hourstyped"}, prep: azHours[:1], act: azHours[1], check: shown("staff.preview_hours")},
	{code: "M8", input: "(after M7) st.ok", allowed: "the hours saved, women see them", verbs: []string{"st.ok"}, prep: azHours, act: tap("st.ok"),
		check: func(w *world, a actor, res flows.Result) cell {
			c, _ := w.centre(azCentreB)
			return agree(hasText(res, "staff.saved"), !reflect.DeepEqual(c.Hours, w.original(azCentreB).Hours))
		}},
	{code: "M9", input: "st.closures:" + azCentreB, allowed: "its closures", verbs: []string{"st.closures"}, act: tap("st.closures:" + azCentreB), check: shown("staff.closures_title")},
	{code: "M10", input: "st.closure:" + azCentreB, allowed: "asked for a closure", verbs: []string{"st.closure"}, act: azClosure[0], check: shown("staff.prompt_closure")},
	{code: "M11", input: "(after M10) chiuso 24/12/2027-26/12/2027 feste", allowed: "the closure previewed", verbs: []string{"st.closuretyped"},
		prep: azClosure[:1], act: azClosure[1], check: shown("staff.preview_closure")},
	{code: "M12", input: "(after M11) st.ok", allowed: "the closure saved", verbs: []string{"st.ok"}, prep: azClosure, act: tap("st.ok"),
		check: func(w *world, a actor, res flows.Result) cell {
			c, _ := w.centre(azCentreB)
			return agree(hasText(res, "staff.saved"), len(c.Closures) > len(w.original(azCentreB).Closures))
		}},
	{code: "M13", input: "st.cledit:<its closure>", allowed: "asked for the closure's new dates", verbs: []string{"st.cledit"},
		setup: azWithClosure, act: tapf(func(w *world) string { return "st.cledit:" + w.closureRef() }), check: shown("staff.prompt_closure_edit")},
	{code: "M14", input: "(after M13) chiuso 27/12/2027 feste, st.ok", allowed: "the closure changed", verbs: []string{"st.closuretyped", "st.ok"},
		setup: azWithClosure, prep: []step{tapf(func(w *world) string { return "st.cledit:" + w.closureRef() }), write("chiuso 27/12/2027 feste")},
		act: tap("st.ok"),
		check: func(w *world, a actor, res flows.Result) cell {
			c, _ := w.centre(azCentreB)
			moved := len(c.Closures) == 1 && c.Closures[0].From == directory.Date{Year: 2027, Month: time.December, Day: 27}
			return agree(hasText(res, "staff.saved"), moved)
		}},
	{code: "M15", input: "st.clrm:<its closure>", allowed: "asked to confirm", verbs: []string{"st.clrm"},
		setup: azWithClosure, act: tapf(func(w *world) string { return "st.clrm:" + w.closureRef() }), check: shown("staff.closure_remove_ask")},
	{code: "M16", input: "(after M15) st.clrmok:<its closure>", allowed: "the closure removed", verbs: []string{"st.clrmok"},
		setup: azWithClosure, prep: []step{tapf(func(w *world) string { return "st.clrm:" + w.closureRef() })},
		act: tapf(func(w *world) string { return "st.clrmok:" + w.closureRef() }),
		check: func(w *world, a actor, res flows.Result) cell {
			c, _ := w.centre(azCentreB)
			return agree(hasText(res, "staff.closure_removed"), len(c.Closures) == 0)
		}},
	{code: "M17", input: "st.field:" + azCentreB + "/phones", allowed: "asked for the phones", verbs: []string{"st.field"}, act: azPhones[0], check: shown("staff.field_prompt")},
	{code: "M18", input: "(after M17) 0373 111111", allowed: "the card previewed", verbs: []string{"st.fieldin"}, prep: azPhones[:1], act: azPhones[1], check: shown("staff.confirm")},
	{code: "M19", input: "(after M18) st.fieldok", allowed: "the phones saved", verbs: []string{"st.fieldok"}, prep: azPhones, act: tap("st.fieldok"),
		check: func(w *world, a actor, res flows.Result) cell {
			c, _ := w.centre(azCentreB)
			return agree(hasText(res, "staff.saved"), slices.Equal(c.Phones, []string{"+390373111111"}))
		}},
	{code: "M20", input: "(after st.field:" + azCentreB + "/services) st.tog:legal", allowed: "the services with legal advice toggled", verbs: []string{"st.tog"},
		prep: azServices[:1], act: azServices[1], check: shown("staff.toggles_services")},
	{code: "M21", input: "(after M20) st.togdone", allowed: "the card previewed", verbs: []string{"st.togdone"}, prep: azServices, act: tap("st.togdone"), check: shown("staff.confirm")},
	{code: "M22", input: "st.line:arca", allowed: "asked for ARCA's 24/7 line", verbs: []string{"st.line"}, act: azLine[0], check: shown("staff.line_prompt")},
	{code: "M23", input: "(after M22) 0372 111111", allowed: "the line previewed", verbs: []string{"st.fieldin"}, prep: azLine[:1], act: azLine[1], check: shown("staff.line_preview")},
	{code: "M24", input: "(after M23) st.fieldok", allowed: "ARCA's 24/7 line saved", verbs: []string{"st.fieldok"}, prep: azLine, act: tap("st.fieldok"),
		check: func(w *world, a actor, res flows.Result) cell {
			n, _ := w.svc.Directory().Network("arca")
			return agree(hasText(res, "staff.saved"), n.Phone24h == "+390372111111")
		}},

	{code: "C1", input: "st.add:arca", allowed: "asked for the new centre's name", verbs: []string{"st.add"}, act: azNewCentre[0], check: shown("staff.field_prompt_new")},
	{code: "C2", input: "(after C1, its seven fields typed) st.addok", allowed: "the new centre saved as a draft", verbs: []string{"st.fieldin", "st.addok"}, prep: azNewCentre, act: tap("st.addok"),
		check: func(w *world, a actor, res flows.Result) cell {
			_, ok := w.centre("arca-soresina")
			return agree(hasText(res, "staff.added"), ok)
		}},
	{code: "C3", input: "st.publish:arca-soresina (a draft with hours and phones)", allowed: "asked to confirm", verbs: []string{"st.publish"},
		setup: azWithDraft, act: tap("st.publish:arca-soresina"), check: shown("staff.publish_ask")},
	{code: "C4", input: "(after C3) st.publishok:arca-soresina", allowed: "the centre shown to women", verbs: []string{"st.publishok"},
		setup: azWithDraft, prep: []step{tap("st.publish:arca-soresina")}, act: tap("st.publishok:arca-soresina"),
		check: func(w *world, a actor, res flows.Result) cell {
			c, _ := w.centre("arca-soresina")
			return agree(hasText(res, "staff.published"), !c.Draft)
		}},
	{code: "C5", input: "st.delete:arca-casalmaggiore", allowed: "asked to confirm", verbs: []string{"st.delete"}, act: tap("st.delete:arca-casalmaggiore"), check: shown("staff.delete_ask")},
	{code: "C6", input: "(after C5) st.deleteok:arca-casalmaggiore", allowed: "the centre deleted", verbs: []string{"st.deleteok"},
		prep: []step{tap("st.delete:arca-casalmaggiore")}, act: tap("st.deleteok:arca-casalmaggiore"),
		check: func(w *world, a actor, res flows.Result) cell {
			_, ok := w.centre("arca-casalmaggiore")
			return agree(hasText(res, "staff.deleted"), !ok)
		}},
	{code: "C7", input: "a directory file: her export with centre B renamed", allowed: "the changes previewed", verbs: []string{"st.upload"}, act: upload(renamed), check: shown("staff.import_preview")},
	{code: "C8", input: "(after C7) st.import", allowed: "the file imported", verbs: []string{"st.import"}, prep: []step{upload(renamed)}, act: tap("st.import"),
		check: func(w *world, a actor, res flows.Result) cell {
			c, _ := w.centre(azCentreB)
			return agree(hasText(res, "staff.imported"), c.Name == azRenamed)
		}},
	{code: "C9", input: "st.export", allowed: "a file that holds ARCA", verbs: []string{"st.export"}, act: tap("st.export"), check: exportHolds("arca")},
	{code: "C10", input: "st.export", allowed: "a file that holds Amaranta", verbs: []string{"st.export"}, act: tap("st.export"), check: exportHolds("amaranta")},
	{code: "C11", input: "/audit", allowed: "ARCA's changes", verbs: []string{"/audit"}, act: slash("/audit"), check: lists("staff.audit_item", "Who", "V-902")},
	{code: "C12", input: "st.audit", allowed: "ARCA's changes", verbs: []string{"st.audit"}, act: tap("st.audit"), check: lists("staff.audit_item", "Who", "V-902")},
	{code: "C13", input: "st.audit", allowed: "Amaranta's changes", verbs: []string{"st.audit"}, act: tap("st.audit"), check: lists("staff.audit_item", "Who", "C-904")},
	{code: "C14", input: "st.real (no sample numbers left)", allowed: "asked to confirm", verbs: []string{"st.real"}, setup: azWithoutSampleNumbers, act: tap("st.real"), check: shown("staff.real_ask")},
	{code: "C15", input: "(after C14) st.realok", allowed: "the cards stop saying it is sample data", verbs: []string{"st.realok"},
		setup: azWithoutSampleNumbers, prep: []step{tap("st.real")}, act: tap("st.realok"),
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "staff.real_done"), !w.svc.Directory().Sample())
		}},

	{code: "S1", input: "/stats", allowed: "ARCA's figures", verbs: []string{"/stats"}, act: slash("/stats"),
		check: tableShows("arca")},
	{code: "S2", input: "/statistiche", allowed: "ARCA's figures", verbs: []string{"/statistiche"}, act: slash("/statistiche"),
		check: tableShows("arca")},
	{code: "S3", input: "st.stats", allowed: "Amaranta's figures", verbs: []string{"st.stats"}, act: tap("st.stats"),
		check: tableShows("amaranta")},
	{code: "S4", input: "st.statscsv", allowed: "a CSV file with ARCA's counters", verbs: []string{"st.statscsv"}, act: tap("st.statscsv"),
		check: csvHolds("arca")},
	{code: "S5", input: "st.statscsv", allowed: "a CSV file with Amaranta's counters", verbs: []string{"st.statscsv"}, act: tap("st.statscsv"),
		check: csvHolds("amaranta")},
	{code: "S6", input: "st.statschart", allowed: "the chart", verbs: []string{"st.statschart"}, act: tap("st.statschart"),
		check: func(w *world, a actor, res flows.Result) cell {
			doc := document(res)
			return yesNo(doc != nil && strings.HasSuffix(doc.Name, ".png"))
		}},

	{code: "P1", input: "/invite", allowed: "the roles she may give", verbs: []string{"/invite"}, act: slash("/invite"), check: shown("staff.invite_role")},
	{code: "P2", input: "/invito", allowed: "the roles she may give", verbs: []string{"/invito"}, act: slash("/invito"), check: shown("staff.invite_role")},
	{code: "P3", input: "st.invite", allowed: "the roles she may give", verbs: []string{"st.invite"}, act: tap("st.invite"), check: shown("staff.invite_role")},
	{code: "P4", input: "st.invite:volunteer/arca", allowed: "an invite link", verbs: []string{"st.invite"}, act: tap("st.invite:volunteer/arca"), check: shown("staff.invite_created")},
	{code: "P5", input: "st.invite:coordinator/arca", allowed: "an invite link", verbs: []string{"st.invite"}, act: tap("st.invite:coordinator/arca"), check: shown("staff.invite_created")},
	{code: "P6", input: "st.invite:operator/" + azCentreB, allowed: "an invite link", verbs: []string{"st.invite"}, act: tap("st.invite:operator/" + azCentreB), check: shown("staff.invite_created")},
	{code: "P7", input: "st.invite:admin", allowed: "an invite link", verbs: []string{"st.invite"}, act: tap("st.invite:admin"), check: shown("staff.invite_created")},
	{code: "P8", input: "(after P4) her link opened by a newcomer", allowed: "the newcomer is ARCA's volunteer", verbs: []string{"/start inv_"},
		prep: []step{keepCode(tap("st.invite:volunteer/arca"))},
		act:  func(w *world, _ actor) flows.Result { return w.command(azNewcomer, azNewcomer, "/start inv_"+w.code) },
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "staff.invite_welcome"), w.hasGrant(azNewcomer, flows.Grant{Role: flows.RoleVolunteer, Network: "arca"}))
		}},
	{code: "P9", input: "/start inv_<an admin's invite for Amaranta's volunteers>", allowed: "she is Amaranta's volunteer", verbs: []string{"/start inv_"},
		setup: azInvite(azBoss, "st.invite:volunteer/amaranta"), act: slashf(func(w *world) string { return "/start inv_" + w.code }),
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "staff.invite_welcome"), w.hasGrant(a.user, flows.Grant{Role: flows.RoleVolunteer, Network: "amaranta"}))
		}},
	{code: "P10", input: "/start inv_<ARCA's operator invite for centre B>", allowed: "she is an operator of centre B; her chat receives it", verbs: []string{"/start inv_"},
		setup: azInvite(azCoordFixture, "st.invite:operator/"+azCentreB), act: slashf(func(w *world) string { return "/start inv_" + w.code }),
		check: func(w *world, a actor, res flows.Result) cell {
			g := flows.Grant{Role: flows.RoleOperator, Network: "arca", Centre: azCentreB}
			return agree(hasText(res, "staff.invite_welcome"), w.hasGrant(a.user, g) && w.receives(a.user, azCentreB))
		}},
	{code: "P11", input: "/roles", allowed: "ARCA's volunteer listed", verbs: []string{"/roles"}, act: slash("/roles"),
		check: lists("staff.roles_item", "Pseudonym", "V-902")},
	{code: "P12", input: "/ruoli", allowed: "ARCA's volunteer listed", verbs: []string{"/ruoli"}, act: slash("/ruoli"),
		check: lists("staff.roles_item", "Pseudonym", "V-902")},
	{code: "P13", input: "st.roles", allowed: "an admin listed", verbs: []string{"st.roles"}, act: tap("st.roles"),
		check: lists("staff.roles_item", "Pseudonym", "A-900")},
	{code: "P14", input: "st.roles", allowed: "Amaranta's coordinator listed", verbs: []string{"st.roles"}, act: tap("st.roles"),
		check: lists("staff.roles_item", "Pseudonym", "C-904")},
	{code: "P15", input: "st.revoke:<ARCA's volunteer>", allowed: "asked to confirm", verbs: []string{"st.revoke"},
		act: tapf(func(w *world) string { return "st.revoke:" + w.staffRef(azVolTarget) }), check: shown("staff.revoke_ask")},
	{code: "P16", input: "(after P15) st.revokeok:<ARCA's volunteer>", allowed: "her role removed", verbs: []string{"st.revokeok"},
		prep: []step{tapf(func(w *world) string { return "st.revoke:" + w.staffRef(azVolTarget) })},
		act:  tapf(func(w *world) string { return "st.revokeok:" + w.staffRef(azVolTarget) }),
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "staff.revoked"), len(w.member(azVolTarget).Grants) == 0)
		}},
	{code: "P17", input: "st.revokeok:<an admin>", allowed: "her role removed", verbs: []string{"st.revokeok"},
		act: tapf(func(w *world) string { return "st.revokeok:" + w.staffRef(azAdminTarget) }),
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "staff.revoked"), len(w.member(azAdminTarget).Grants) == 0)
		}},
	{code: "P18", input: "st.name", allowed: "asked for her name", verbs: []string{"st.name"}, act: tap("st.name"), check: shown("staff.name_prompt")},
	{code: "P19", input: "(after P18) Giulia R.", allowed: "the name colleagues see saved", verbs: []string{"st.namein"},
		prep: []step{tap("st.name")}, act: write("Giulia R."),
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "staff.name_saved"), w.member(a.user).Name == "Giulia R.")
		}},

	{code: "R1", input: "st.chats", allowed: "the centres whose chats she manages", verbs: []string{"st.chats"}, act: tap("st.chats"), check: shown("staff.chats_pick")},
	{code: "R2", input: "st.chats:" + azCentreA, allowed: "centre A's receiving chats, by name", verbs: []string{"st.chats"}, act: tap("st.chats:" + azCentreA), check: shown("staff.chats_title")},
	{code: "R3", input: "st.oncall:<centre A's group>", allowed: "the group on call", verbs: []string{"st.oncall"},
		act: tapf(func(w *world) string { return "st.oncall:" + w.chatRef(azCentreA, azGroupAName) }),
		check: func(w *world, a actor, res flows.Result) cell {
			op, ok := w.operator(azGroupA)
			return agree(hasText(res, "staff.saved"), ok && op.OnCall)
		}},
	{code: "R4", input: "st.unlink:<centre A's group>", allowed: "asked to confirm", verbs: []string{"st.unlink"},
		act: tapf(func(w *world) string { return "st.unlink:" + w.chatRef(azCentreA, azGroupAName) }), check: shown("staff.unlink_ask")},
	{code: "R5", input: "(after R4) st.unlinkok:<centre A's group>", allowed: "the group no longer receives", verbs: []string{"st.unlinkok"},
		prep: []step{tapf(func(w *world) string { return "st.unlink:" + w.chatRef(azCentreA, azGroupAName) })},
		act:  tapf(func(w *world) string { return "st.unlinkok:" + w.chatRef(azCentreA, azGroupAName) }),
		check: func(w *world, a actor, res flows.Result) cell {
			_, ok := w.operator(azGroupA)
			return agree(hasText(res, "staff.chat_removed"), w.receivedBefore(azGroupA, azCentreA) && !ok)
		}},
	{code: "R6", input: "st.link:" + azCentreB, allowed: "a link code", verbs: []string{"st.link"}, act: tap("st.link:" + azCentreB), check: shown("staff.link_code")},
	{code: "R7", input: "(after R6) her code typed in a new group: /link CODE", allowed: "the group receives centre B", verbs: []string{"/link"},
		prep: []step{keepCode(tap("st.link:" + azCentreB))},
		act:  func(w *world, _ actor) flows.Result { return w.command(azNewGroup, azNewcomer, "/link "+w.code) },
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "op.link.done"), w.nowReceives(azNewGroup, azCentreB))
		}},
	{code: "R8", input: "/link <ARCA's code for centre B>", allowed: "her chat receives centre B", verbs: []string{"/link"},
		setup: azLinkCode(azCoordFixture, azCentreB), act: slashf(func(w *world) string { return "/link " + w.code }),
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "op.link.done"), w.nowReceives(a.chat(), azCentreB))
		}},
	{code: "R9", input: "/collega <ARCA's code for centre B>", allowed: "her chat receives centre B", verbs: []string{"/collega"},
		setup: azLinkCode(azCoordFixture, azCentreB), act: slashf(func(w *world) string { return "/collega " + w.code }),
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "op.link.done"), w.nowReceives(a.chat(), azCentreB))
		}},
	{code: "R10", input: "/link <Amaranta's code for Amaranta Bresso>", allowed: "her chat receives Amaranta Bresso", verbs: []string{"/link"},
		setup: azLinkCode(azCoordNetFix, "amaranta-bresso"), act: slashf(func(w *world) string { return "/link " + w.code }),
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "op.link.done"), w.nowReceives(a.chat(), "amaranta-bresso"))
		}},

	{code: "O1", input: "op:take:<ticket>", allowed: "she took it; her number goes to her private chat", verbs: []string{"op:take"},
		setup: azRequestA, act: azTake, check: takeCheck},
	{code: "O2", input: "op:take:<ticket>, escalated to the on-call chats", allowed: "she took it", verbs: []string{"op:take"},
		setup: func(w *world) {
			azRequestA(w)
			for range 2 {
				w.clk.Set(w.clk.Now().Add(16 * time.Minute))
				if err := w.svc.Tick(w.ctx); err != nil {
					w.t.Fatal(err)
				}
			}
			if cb, _ := w.requestNow(); cb.Stage != 2 {
				w.t.Fatalf("the request was not escalated: stage %d", cb.Stage)
			}
			w.drain()
		}, act: azTake, check: takeCheck},
	{code: "O3", input: "op:take:<ticket>, her request to whichever ARCA centre can call first", allowed: "she took it", verbs: []string{"op:take"},
		setup: func(w *world) { w.request("n:arca", "asap") }, act: azTake, check: takeCheck},
	{code: "O4", input: "op:take:<ticket>, taken by a colleague", allowed: "she took it", verbs: []string{"op:take"},
		setup: azColleagues, act: azTake, check: takeCheck},
	{code: "O5", input: "(after O1) op:take:<ticket> in her private chat", allowed: "her number sent again", verbs: []string{"op:take"},
		setup: azRequestA, prep: azTakePrep, act: privately(azTake),
		check: func(w *world, a actor, res flows.Result) cell {
			return agree(hasText(res, "op.take.yours"), w.numberTo(a.user))
		}},
	{code: "O6", input: "(after O1) op:done:<ticket> in her private chat", allowed: "asked to confirm", verbs: []string{"op:done"},
		setup: azRequestA, prep: azTakePrep, act: privately(tapf(func(w *world) string { return "op:done:" + w.ticket })),
		check: func(w *world, a actor, res flows.Result) cell {
			return yesNo(w.told(res, a.user, a.user, "op.close.ask"))
		}},
	{code: "O7", input: "(after O6) op:close:<ticket> in her private chat", allowed: "the request closed and deleted", verbs: []string{"op:close"},
		setup: azRequestA, prep: append(slices.Clone(azTakePrep), privately(tapf(func(w *world) string { return "op:done:" + w.ticket }))),
		act: privately(tapf(func(w *world) string { return "op:close:" + w.ticket })),
		check: func(w *world, a actor, res flows.Result) cell {
			_, found := w.requestNow()
			return agree(hasText(res, "op.done"), w.beforeFound && !found)
		}},
	{code: "O8", input: "(after O6) op:keep:<ticket> in her private chat", allowed: "the request stays hers", verbs: []string{"op:keep"},
		setup: azRequestA, prep: append(slices.Clone(azTakePrep), privately(tapf(func(w *world) string { return "op:done:" + w.ticket }))),
		act: privately(tapf(func(w *world) string { return "op:keep:" + w.ticket })),
		check: func(w *world, a actor, res flows.Result) cell {
			cb, _ := w.requestNow()
			return agree(hasText(res, "op.close.kept"), cb.TakenBy == a.user)
		}},
	{code: "O9", input: "(after O1) op:fail:<ticket> in her private chat", allowed: "counted as not reached; back to the others", verbs: []string{"op:fail"},
		setup: azRequestA, prep: azTakePrep, act: privately(tapf(func(w *world) string { return "op:fail:" + w.ticket })),
		check: func(w *world, a actor, res flows.Result) cell {
			cb, _ := w.requestNow()
			return agree(hasText(res, "op.fail"), w.before.TakenBy == a.user && cb.TakenBy == 0 && cb.Attempts == w.before.Attempts+1)
		}},
	{code: "O10", input: "(after O1) op:back:<ticket> in her private chat", allowed: "given back to the others", verbs: []string{"op:back"},
		setup: azRequestA, prep: azTakePrep, act: privately(tapf(func(w *world) string { return "op:back:" + w.ticket })),
		check: func(w *world, a actor, res flows.Result) cell {
			cb, _ := w.requestNow()
			return agree(hasText(res, "op.back"), w.before.TakenBy == a.user && cb.TakenBy == 0)
		}},
	{code: "O11", input: "op:done:<ticket>, taken by a colleague", allowed: "asked to confirm", verbs: []string{"op:done"},
		setup: azColleagues, act: tapf(func(w *world) string { return "op:done:" + w.ticket }),
		check: func(w *world, a actor, res flows.Result) cell {
			return yesNo(w.told(res, a.chat(), a.user, "op.close.ask"))
		}},
	{code: "O12", input: "op:close:<ticket>, taken by a colleague", allowed: "the request closed and deleted", verbs: []string{"op:close"},
		setup: azColleagues, act: tapf(func(w *world) string { return "op:close:" + w.ticket }),
		check: func(w *world, a actor, res flows.Result) cell {
			_, found := w.requestNow()
			return agree(hasText(res, "op.done"), !found)
		}},
	{code: "O13", input: "op:fail:<ticket>, taken by a colleague", allowed: "taken away from the colleague", verbs: []string{"op:fail"},
		setup: azColleagues, act: tapf(func(w *world) string { return "op:fail:" + w.ticket }),
		check: func(w *world, a actor, res flows.Result) cell {
			cb, _ := w.requestNow()
			return agree(hasText(res, "op.fail"), w.before.TakenBy == azColleague && cb.TakenBy != azColleague)
		}},
	{code: "O14", input: "op:back:<ticket>, taken by a colleague", allowed: "taken away from the colleague", verbs: []string{"op:back"},
		setup: azColleagues, act: tapf(func(w *world) string { return "op:back:" + w.ticket }),
		check: func(w *world, a actor, res flows.Result) cell {
			cb, _ := w.requestNow()
			return agree(hasText(res, "op.back"), w.before.TakenBy == azColleague && cb.TakenBy != azColleague)
		}},

	{code: "G1", input: "/reperibile", allowed: "her chat on call", verbs: []string{"/reperibile"}, setup: func(w *world) { w.setOnCall(false) }, act: slash("/reperibile"),
		check: onCall(true)},
	{code: "G2", input: "/oncall", allowed: "her chat on call", verbs: []string{"/oncall"}, setup: func(w *world) { w.setOnCall(false) }, act: slash("/oncall"),
		check: onCall(true)},
	{code: "G3", input: "/nonreperibile", allowed: "her chat off call", verbs: []string{"/nonreperibile"}, setup: func(w *world) { w.setOnCall(true) }, act: slash("/nonreperibile"),
		check: onCall(false)},
	{code: "G4", input: "/offcall", allowed: "her chat off call", verbs: []string{"/offcall"}, setup: func(w *world) { w.setOnCall(true) }, act: slash("/offcall"),
		check: onCall(false)},
	{code: "G5", input: "/start in the group", allowed: "the bot answers or changes something", groupOnly: true, act: slash("/start"),
		check: reacted},
	{code: "G6", input: "ciao a tutte (talk in the group)", allowed: "the bot answers or changes something", groupOnly: true, act: write("ciao a tutte"),
		check: reacted},

	{code: "W1", input: "cb, cb:c:" + azCentreA + ", her number, cb:w:asap, cb:wok, cb:m:none, cb:h:yes, cb:s:wrong, cb:ok", allowed: "a request stored, its card queued",
		verbs: []string{"cb", "cb:c", "cb:w", "cb:wok", "cb:m", "cb:h", "cb:s", "cb:ok"},
		prep:  []step{drafted("c:"+azCentreA, "asap")}, act: tap("cb:ok"),
		check: func(w *world, a actor, res flows.Result) cell {
			cb, found := w.requestOf(a.chat())
			card := slices.ContainsFunc(w.queued(), func(o flows.Outgoing) bool { return o.Card == cb.Ticket && !o.Number })
			return agree(hasText(res, "cb.confirmed.title"), found && card)
		}},
	{code: "W2", input: "(after W1) cb:del", allowed: "her request withdrawn", verbs: []string{"cb:del"},
		prep: []step{drafted("c:"+azCentreA, "asap"), tap("cb:ok")}, act: tap("cb:del"),
		check: func(w *world, a actor, res flows.Result) cell {
			_, found := w.requestOf(a.chat())
			return agree(hasText(res, "cb.withdraw.done"), w.ownFound && !found)
		}},
	{code: "W3", input: "cb:del:<the woman's ticket>", allowed: "the woman's request withdrawn", verbs: []string{"cb:del"},
		setup: azRequestA, act: tapf(func(w *world) string { return "cb:del:" + w.ticket }),
		check: func(w *world, a actor, res flows.Result) cell {
			_, found := w.requestNow()
			return agree(hasText(res, "cb.withdraw.done"), !found)
		}},
	{code: "W4", input: "(her own request for this morning, at 14:00) cb:again", allowed: "a new request begun from hers", verbs: []string{"cb:again"},
		prep: []step{drafted("c:"+azCentreA, "today.morning"), tap("cb:ok"), later(azAfternoon)}, act: tap("cb:again"),
		check: func(w *world, a actor, res flows.Result) cell {
			again := w.session(a.chat()).Data["cb.again"]
			return agree(hasText(res, "cb.again.intro"), w.ownFound && again == w.own.Ticket)
		}},
	{code: "W5", input: "(the woman's request for this morning, at 14:00) cb:again", allowed: "a new request begun from the woman's", verbs: []string{"cb:again"},
		setup: func(w *world) { w.request("c:"+azCentreA, "today.morning"); w.clk.Set(azAfternoon) }, act: tap("cb:again"),
		check: func(w *world, a actor, res flows.Result) cell {
			again := w.session(a.chat()).Data["cb.again"]
			return agree(hasText(res, "cb.again.intro"), again == w.ticket)
		}},

	{code: "F1", input: "op:take:<ticket with an O, a letter no ticket has>", allowed: "the request taken or a number sent", verbs: []string{"op:take"},
		setup: azRequestA, act: tapf(func(w *world) string { return "op:take:" + w.ticket[:5] + "O" }),
		check: func(w *world, a actor, res flows.Result) cell { return yesNo(tookOrSent(w)) }},
	{code: "F2", input: "op:take:ZZZZZZ (no such ticket)", allowed: "a request taken or a number sent", verbs: []string{"op:take"},
		setup: azRequestA, act: tap("op:take:ZZZZZZ"),
		check: func(w *world, a actor, res flows.Result) cell { return yesNo(tookOrSent(w)) }},
	{code: "F3", input: "op:take:<ticket>:<200 more characters>", allowed: "the request taken or a number sent", verbs: []string{"op:take"},
		setup: azRequestA, act: tapf(func(w *world) string { return "op:take:" + w.ticket + ":" + strings.Repeat("9", 200) }),
		check: func(w *world, a actor, res flows.Result) cell { return yesNo(tookOrSent(w)) }},
	{code: "F4", input: "op:nuke:<ticket> (no such verb)", allowed: "the request changed",
		setup: azRequestA, act: tapf(func(w *world) string { return "op:nuke:" + w.ticket }),
		check: func(w *world, a actor, res flows.Result) cell {
			cb, found := w.requestNow()
			return yesNo(!found || !reflect.DeepEqual(cb, w.before))
		}},
	{code: "F5", input: "op:close:<ticket>, nobody took it", allowed: "the request closed and deleted", verbs: []string{"op:close"},
		setup: azRequestA, act: tapf(func(w *world) string { return "op:close:" + w.ticket }),
		check: func(w *world, a actor, res flows.Result) cell {
			_, found := w.requestNow()
			return agree(hasText(res, "op.done"), !found)
		}},
	{code: "F6", input: "st.revokeok:0123456789abcdef (no such member)", allowed: "someone else's role removed", verbs: []string{"st.revokeok"},
		act:   tap("st.revokeok:0123456789abcdef"),
		check: func(w *world, a actor, res flows.Result) cell { return yesNo(w.grantsChanged(false, a.user)) }},
	{code: "F7", input: "st.deleteok:<5000 characters>", allowed: "a centre deleted", verbs: []string{"st.deleteok"},
		act: tap("st.deleteok:" + strings.Repeat("a", 5000)),
		check: func(w *world, a actor, res flows.Result) cell {
			return yesNo(len(w.svc.Directory().Centres("")) != len(w.dir.Centres("")))
		}},
	{code: "F8", input: "st.deleteok:amaranta-bresso (no confirmation asked)", allowed: "Amaranta Bresso deleted", verbs: []string{"st.deleteok"},
		act: tap("st.deleteok:amaranta-bresso"),
		check: func(w *world, a actor, res flows.Result) cell {
			_, ok := w.centre("amaranta-bresso")
			return agree(hasText(res, "staff.deleted"), !ok)
		}},
	{code: "F9", input: "a directory file: her export with centre B moved into Amaranta, then st.import", allowed: "centre B is Amaranta's", verbs: []string{"st.upload", "st.import"},
		prep: []step{upload(moved)}, act: tap("st.import"),
		check: func(w *world, a actor, res flows.Result) cell {
			c, _ := w.centre(azCentreB)
			return agree(hasText(res, "staff.imported"), c.Network == "amaranta")
		}},
	{code: "F10", input: "/start inv_<a link code for ARCA Casalmaggiore>", allowed: "she or her chat an operator of Casalmaggiore", verbs: []string{"/start inv_"},
		setup: azLinkCode(azCoordFixture, "arca-casalmaggiore"), act: slashf(func(w *world) string { return "/start inv_" + w.code }),
		check: func(w *world, a actor, res flows.Result) cell {
			g := flows.Grant{Role: flows.RoleOperator, Network: "arca", Centre: "arca-casalmaggiore"}
			return yesNo(w.hasGrant(a.user, g) || w.nowReceives(a.chat(), "arca-casalmaggiore"))
		}},
	{code: "F11", input: "/start inv_<4000 characters>", allowed: "a role given", verbs: []string{"/start inv_"},
		act:   slash("/start inv_" + strings.Repeat("a", 4000)),
		check: func(w *world, a actor, res flows.Result) cell { return yesNo(w.grantsChanged(true, 0)) }},
	{code: "F12", input: "/link <an operator invite for ARCA Casalmaggiore>", allowed: "her chat receives Casalmaggiore", verbs: []string{"/link"},
		setup: azInvite(azCoordFixture, "st.invite:operator/arca-casalmaggiore"), act: slashf(func(w *world) string { return "/link " + w.code }),
		check: func(w *world, a actor, res flows.Result) cell {
			return yesNo(w.nowReceives(a.chat(), "arca-casalmaggiore"))
		}},
	{code: "F13", input: "/link <4000 characters>", allowed: "a receiving chat changed", verbs: []string{"/link"},
		act:   slash("/link " + strings.Repeat("a", 4000)),
		check: func(w *world, a actor, res flows.Result) cell { return yesNo(opsChanged(w)) }},
	{code: "F14", input: "c:arca-soresina (a draft centre's card)", allowed: "the draft's card", verbs: []string{"c"},
		setup: azWithDraft, act: tap("c:arca-soresina"), check: lists("card.name", "Name", "Soresina")},
}
