package flows

import (
	"context"
	"errors"
	"fmt"
	"frontdoor/flows/directory"
	"slices"
	"strings"
	"time"

	"github.com/looplab/fsm"
)

// The states of the woman's dialogue. They decide how free text is read.
const (
	stIdle    = "idle"    // no conversation, or she left
	stMenu    = "menu"    // the main menu is on screen
	stFind    = "find"    // asked for her town, location or area
	stResults = "results" // centres are on screen
	stLang    = "lang"    // the language picker is on screen
	stPrivacy = "privacy" // the privacy screen or one of its choices
)

var dialogueStates = append([]string{stIdle, stMenu, stFind, stResults, stLang, stPrivacy, stStaff, stStaffHours, stStaffClosure, stStaffField, stStaffName}, callbackStates...)

// dialogueEvents: every screen can be left for any other (the menu, the
// emergency numbers and the exit are reachable from everywhere), so each
// event is allowed from every state; the machine still refuses unknown
// events and states.
var dialogueEvents = func() fsm.Events {
	var evs fsm.Events
	for _, e := range []struct{ name, dst string }{
		{"menu", stMenu}, {"find", stFind}, {"results", stResults}, {"lang", stLang}, {"privacy", stPrivacy}, {"exit", stIdle},
		{"staff", stStaff}, {"staff_hours", stStaffHours}, {"staff_closure", stStaffClosure}, {"staff_field", stStaffField}, {"staff_name", stStaffName},
	} {
		evs = append(evs, fsm.EventDesc{Name: e.name, Src: dialogueStates, Dst: e.dst})
	}
	for _, e := range callbackStates {
		evs = append(evs, fsm.EventDesc{Name: e, Src: dialogueStates, Dst: e})
	}
	return evs
}()

// dialogue is the work of one input on one session.
type dialogue struct {
	ctx   context.Context
	svc   *Service
	dir   *directory.Directory
	now   time.Time
	in    Input
	sess  Session
	isNew bool
	// stateBefore is the state the input arrived in.
	stateBefore string

	lang string
	// audience is who the replies are for: her, unless the staff dialogue
	// took the input after checking her role.
	audience Audience
	replies  []Reply
	event    string
	// opened is set when the input opened a conversation (the welcome,
	// or the numbers for a first message that asked for help).
	opened     bool
	menuChange MenuChange
	// wipe is set when the conversation must be wiped instead of saved.
	wipe wipeKind
	// change holds the callback writes that go with the session; ops caches
	// the operator chats for this input (callback.go).
	change    Change
	ops       []Operator
	opsLoaded bool
}

// wipeKind says how much a wipe forgets.
type wipeKind int

const (
	wipeNone wipeKind = iota
	wipeChat          // the messages and her state (exit, idle)
	wipeAll           // and every other kind of data about her (/forget)
)

// fire moves the session's machine with event. The machine is built afresh
// from the stored state, which is checked first because fsm accepts any.
func (d *dialogue) fire(event string) error {
	cur := d.sess.State
	if !slices.Contains(dialogueStates, cur) {
		cur = stIdle
	}
	// Build the machine with the one event fired: it checks the same
	// transition at a fraction of the cost of the whole table, on every
	// update. An unknown event leaves it empty and fsm refuses it.
	i := slices.IndexFunc(dialogueEvents, func(e fsm.EventDesc) bool { return e.Name == event })
	var evs fsm.Events
	if i >= 0 {
		evs = dialogueEvents[i : i+1]
	}
	m := fsm.NewFSM(cur, evs, nil)
	// A cancelled context would leave the machine stuck in transition.
	err := m.Event(context.WithoutCancel(context.Background()), event)
	var same fsm.NoTransitionError
	if err != nil && !errors.As(err, &same) {
		return fmt.Errorf("event %s from %s: %w", event, cur, err)
	}
	d.sess.State = m.Current()
	return nil
}

// run decides what the input means, moves the machine and builds replies.
func (d *dialogue) run() error {
	d.lang = d.sess.Lang
	d.stateBefore = d.sess.State
	event, act := d.route()
	if err := d.fire(event); err != nil {
		return err
	}
	act()
	return nil
}

// route maps the input to an event and the action that answers it.
func (d *dialogue) route() (string, func()) {
	in := d.in
	if event, act, ok := d.routeStaff(); ok {
		return event, act
	}
	switch in.Kind {
	case KindCommand:
		if slices.Contains(exitCommands, in.Command) {
			return "exit", d.exit
		}
		switch in.Command {
		case "start":
			return "menu", func() { d.welcome(strings.TrimSpace(in.Args)) }
		case "menu", "help", "aiuto":
			return "menu", d.menu
		case "find", "centri", "cerca":
			return "find", d.find
		case "open", "aperti":
			return "results", func() { d.open(strings.TrimSpace(in.Args)) }
		case "sos", "numeri", "numbers", "emergenza", "emergency":
			return "menu", d.emergency
		case "lang", "lingua", "language":
			if arg := strings.ToLower(strings.TrimSpace(in.Args)); arg != "" {
				return "menu", func() { d.setLang(arg) }
			}
			return "lang", d.langPicker
		case "privacy":
			return "privacy", func() { d.privacy() }
		case "forget", "dimentica", "cancella":
			return "privacy", d.forgetAsk
		}
		if d.isNew {
			return "menu", func() { d.welcome("") }
		}
		return "menu", d.unknown
	case KindButton:
		return d.routeButton(in.Data)
	case KindLocation:
		return "results", func() { d.nearest(in.Lat, in.Lon) }
	case KindContact:
		return d.routeCallbackPhone(in.Phone)
	case KindText:
		text := strings.TrimSpace(in.Text)
		if d.isNew {
			return "menu", func() { d.firstText(text) }
		}
		if d.helpInRequest(text) {
			return "menu", d.helpFirst
		}
		// A photo or a sticker (empty text) during the request asks the
		// question again, like any text it cannot read.
		if ev, act, ok := d.routeCallbackText(text); ok {
			return ev, act
		}
		if text == "" {
			return "menu", d.unknown
		}
		if d.sess.State == stLang {
			if code := matchLang(text, d.svc.langs); code != "" {
				return "menu", func() { d.setLang(code) }
			}
		}
		return "results", func() { d.text(text) }
	}
	return "menu", d.unknown
}

// routeButton maps button data ("verb" or "verb:arg") to an event and action.
// Data comes back from Telegram and may be old or forged: anything unknown
// shows the menu.
func (d *dialogue) routeButton(data string) (string, func()) {
	verb, arg, _ := strings.Cut(data, ":")
	switch verb {
	case "menu":
		return "menu", d.menu
	case "find":
		return "find", d.find
	case "open":
		return "results", func() { d.open(arg) }
	case "sos":
		return "menu", d.emergency
	case "lang":
		if arg != "" {
			return "menu", func() { d.setLang(arg) }
		}
		return "lang", d.langPicker
	case "exit":
		return "exit", d.exit
	case "privacy":
		return "privacy", func() { d.privacy() }
	case "about":
		return "menu", d.about
	case "idle":
		if arg != "" {
			return "privacy", func() { d.setIdle(arg) }
		}
		return "privacy", d.idlePicker
	case "leave":
		return "privacy", func() { d.setLeave(arg) }
	case "forget":
		if arg == "yes" {
			return "exit", d.forgetAll
		}
		return "privacy", d.forgetAsk
	case "net":
		return "results", func() { d.network(arg) }
	case "c":
		return "results", func() { d.card(arg) }
	case "town":
		return "results", func() { d.town(arg) }
	case "cb":
		return d.routeCallback(arg)
	}
	return "menu", d.unknown
}

// onDoor is the message id, or on the web door its variant id+"_web": the
// few sentences that speak of a chat to clear, of Telegram or of a button
// the page does not have.
func (d *dialogue) onDoor(id string) string {
	if d.in.Door == DoorWeb {
		return id + "_web"
	}
	return id
}

// say appends a reply, for the audience of this input unless r names one.
func (d *dialogue) say(r Reply) {
	if r.To == ForHer {
		r.To = d.audience
	}
	d.sess.Keyboard = d.sess.Keyboard || r.AskLocation || r.AskContact
	d.replies = append(d.replies, r)
}

func (d *dialogue) welcome(payload string) {
	d.event = "welcome"
	d.opened = true
	if _, ok := d.dir.Network(payload); ok {
		d.sess.Network = payload
	}
	texts := []Text{T("welcome.hello"), T("welcome.what"), T(d.onDoor("auto.notice")), T("emergency.danger"), T(d.onDoor("welcome.exit"))}
	if d.dir.Sample() {
		texts = append(texts, T("sample.notice"))
	}
	rows := append(d.englishRow(), d.menuButtons()...)
	d.say(Reply{Texts: texts, Buttons: append(rows, aboutRow())})
}

func (d *dialogue) menu() {
	d.event = "menu"
	d.say(Reply{Texts: []Text{T("menu.title")}, Buttons: d.menuButtons()})
}

// unknown answers what it cannot read: the service is automatic, what it
// can read, the numbers that always answer and the menu. Never a bare "not
// understood".
func (d *dialogue) unknown() {
	d.event = "unknown"
	d.sess.State = stMenu
	texts := append([]Text{T(d.onDoor("auto.notice")), T("unknown.hint")}, alwaysOnLines()...)
	texts = append(texts, T("menu.title"))
	d.say(Reply{Texts: texts, Buttons: append([][]Button{chatRow()}, d.menuButtons()...), Protect: true})
}

func (d *dialogue) find() {
	d.event = "find"
	d.say(Reply{Texts: []Text{T(d.onDoor("find.prompt"))}, AskLocation: true})
	d.say(Reply{Texts: []Text{T("find.areas")}, Buttons: append(d.networkButtons("net"), navRow(true))})
}

// networkButtons offers one button per network, with verb as data prefix.
func (d *dialogue) networkButtons(verb string) [][]Button {
	var rows [][]Button
	for _, n := range d.dir.Networks() {
		rows = append(rows, []Button{{Label: Raw(n.Label()), Data: verb + ":" + n.ID}})
	}
	return rows
}

func (d *dialogue) emergency() {
	d.event = "emergency"
	lines := []Text{T("emergency.title"), T("emergency.always"), T("emergency.112"), T("emergency.1522"), T("emergency.1522_languages"), T("emergency.114")}
	d.say(Reply{Texts: lines, Buttons: append(d.resumeRow(), chatRow(), []Button{menuButton(), exitButton()}), Protect: true})
}

func (d *dialogue) langPicker() {
	d.event = "language"
	d.say(Reply{Texts: []Text{T("lang.prompt")}, Buttons: append(langRows(d.svc.langs), navRow(true))})
}

func (d *dialogue) setLang(code string) {
	if !slices.Contains(d.svc.langs, code) {
		d.sess.State = stLang
		d.langPicker()
		return
	}
	d.event = "language_set"
	d.sess.Lang, d.lang = code, code
	d.say(Reply{Texts: []Text{T("lang.set"), T("menu.title")}, Buttons: d.menuButtons()})
}

// matchLang finds an offered language by code or by its own name.
func matchLang(text string, offered []string) string {
	t := strings.ToLower(strings.TrimSpace(text))
	for _, l := range offered {
		if t == l || t == strings.ToLower(directory.LanguageName(l)) {
			return l
		}
	}
	return ""
}

// emergencyLines are the national numbers, free and always on.
func emergencyLines() []Text {
	return []Text{T("emergency.112"), T("emergency.1522"), T("emergency.114")}
}

func menuButtons() [][]Button {
	return [][]Button{
		{{Label: T("button.find"), Data: "find"}, {Label: T("button.open"), Data: "open"}},
		{{Label: T("button.emergency"), Data: "sos"}, {Label: T("button.language"), Data: "lang"}},
		{{Label: T("button.privacy"), Data: "privacy"}, exitButton()},
	}
}

// navRow is the row every screen ends with: the emergency numbers, the menu
// (when asked) and the exit.
func navRow(withMenu bool) []Button {
	row := []Button{{Label: T("button.emergency"), Data: "sos"}}
	if withMenu {
		row = append(row, menuButton())
	}
	return append(row, exitButton())
}

func menuButton() Button { return Button{Label: T("button.menu"), Data: "menu"} }
func exitButton() Button { return Button{Label: T("button.exit"), Data: "exit"} }
