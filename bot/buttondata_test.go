package bot

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/locales"
	"frontdoor/store/memstore"
)

// TestButtonDataFitsTelegram: no screen of the dialogues, nor any message
// of the outbox, carries a button whose data Telegram would refuse. Women,
// staff and an operators' group walk the dialogues at random — pressing
// what their screens show, typing towns (the longest comuni among them),
// words, numbers, hours and commands, sharing locations — over the sample
// directory and over one whose ids have the longest length allowed and
// whose towns have long names, while the clock moves on and requests
// escalate. The messages are rendered as Telegram gets them.
func TestButtonDataFitsTelegram(t *testing.T) {
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	lex := testLexicon(t)
	for _, tc := range []struct {
		name string
		data directory.Data
	}{
		{"sample", dirfile.Sample()},
		{"longest ids and names", longest(dirfile.Sample())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, err := directory.New(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			for seed := range uint64(12) {
				w := newWalk(t, cat, lex, dir, seed)
				for range 400 {
					w.step()
				}
				if t.Failed() {
					return
				}
			}
		})
	}
}

// longest gives every network and centre an id of directory.MaxIDLen
// characters, and every centre a covered town with a long name.
func longest(d directory.Data) directory.Data {
	pad := func(id string) string { return id + "-" + strings.Repeat("x", directory.MaxIDLen-len(id)-1) }
	for i := range d.Networks {
		d.Networks[i].ID = pad(d.Networks[i].ID)
	}
	for i := range d.Centres {
		c := &d.Centres[i]
		c.ID, c.Network = pad(c.ID), pad(c.Network)
		c.Towns = append(c.Towns, fmt.Sprintf("Borgonuovo Zeffirellino Quattrocantoni Dellarocca Superiore %c", 'A'+i))
	}
	return d
}

func testLexicon(t *testing.T) *flows.Lexicon {
	t.Helper()
	lists, err := locales.WordLists()
	if err != nil {
		t.Fatal(err)
	}
	words := make(map[string]flows.Words, len(lists))
	for lang, w := range lists {
		words[lang] = flows.Words(w)
	}
	lex, err := flows.NewLexicon(words)
	if err != nil {
		t.Fatal(err)
	}
	return lex
}

// Who walks: her, an admin in a private chat, an operator in her private
// chat and in the centre's group.
const (
	walkHer      int64 = 4242
	walkAdmin    int64 = 1
	walkOperator int64 = 777
	walkGroup    int64 = -100123
)

// walk is one random walk through the dialogues.
type walk struct {
	t      *testing.T
	rnd    *rand.Rand
	svc    *flows.Service
	st     *memstore.Store
	render *CatalogRenderer
	now    time.Time
	towns  []string
	// shown is the buttons each chat has on screen, and asksNumber the
	// chats asked for a phone number.
	shown      map[int64][]MessageButton
	asksNumber map[int64]bool
	chat       int64
	steps      []string
}

func newWalk(t *testing.T, cat *locales.Catalog, lex *flows.Lexicon, dir *directory.Directory, seed uint64) *walk {
	w := &walk{t: t, rnd: rand.New(rand.NewPCG(seed, 18)), st: memstore.New(), render: NewRenderer(cat),
		now: time.Date(2027, time.March, 16, 10, 30, 0, 0, directory.Rome), shown: map[int64][]MessageButton{},
		asksNumber: map[int64]bool{}, chat: walkHer}
	ctx := context.Background()
	centre := dir.Centres("")[0]
	for _, op := range []flows.Operator{{Chat: walkGroup, Centre: centre.ID, OnCall: true, Name: "Gruppo"}, {Chat: walkOperator, Centre: centre.ID}} {
		if err := w.st.SaveOperator(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	staff := flows.Staff{Pseudonym: "op1", Grants: []flows.Grant{{Role: flows.RoleOperator, Network: centre.Network, Centre: centre.ID}}}
	if err := w.st.SaveStaff(ctx, walkOperator, staff); err != nil {
		t.Fatal(err)
	}
	w.svc = flows.NewService(w.st, dir, flows.Options{Langs: cat.Langs(), Now: func() time.Time { return w.now }, Lexicon: lex,
		Callbacks: w.st, Staff: w.st, Directory: w.st, Admins: []int64{walkAdmin}, Codec: dirfile.Codec{}, Stats: w.st})
	for p := range directory.Italy().All() {
		if len(p.Name) >= 30 || w.rnd.IntN(400) == 0 {
			w.towns = append(w.towns, p.Name, p.Label())
		}
	}
	return w
}

// typed is what people type besides towns.
var typed = []string{"Sesto", "Cremna", "Cinisello", "20092", "aiuto", "ho paura", "ciao", "grazie", "sì", "no",
	"347 000 0000", "+39 347 000 0000", "domani mattina", "oggi pomeriggio", "lun-ven 9-13, mar gio 15-18", "chiuso 24-26 dicembre",
	"Via Roma 1", "45.55, 9.18", "italiano, inglese", "0372 123456", "Borgonuovo Zefirellino Quattrocantoni Dellarocca Superiore A",
	"non lo so", "?", "", strings.Repeat("lungo ", 50)}

// commands are what people send with a slash.
var commands = []string{"start", "menu", "find", "open", "numbers", "lang", "exit", "forget", "privacy", "staff", "stats", "audit",
	"oncall", "offcall", "link"}

// leaving are the buttons that leave a screen for the start: pressed
// seldom, so that walks go deep.
var leaving = map[string]bool{"menu": true, "exit": true, "leave": true, "forget": true, "sos": true, "lang": true,
	"privacy": true, "about": true, "idle": true, "st.menu": true}

// step has one of the walkers do one thing (mostly the one who did the
// last), then delivers the outbox, and now and then moves the clock and
// lets requests escalate.
func (w *walk) step() {
	if w.rnd.IntN(8) == 0 {
		w.chat = []int64{walkHer, walkHer, walkAdmin, walkOperator, walkGroup}[w.rnd.IntN(5)]
	}
	chat := w.chat
	in := flows.Input{Chat: chat, From: chat, Lang: []string{"it", "en", "ar", "uk"}[w.rnd.IntN(4)], Group: chat < 0}
	if in.Group {
		in.From, in.ChatTitle, in.FromName = walkOperator, "Gruppo", "Giulia"
	}
	switch r := w.rnd.IntN(20); {
	case w.asksNumber[chat] && r < 14:
		in.Kind, in.Phone = flows.KindContact, "+393470000000"
	case r < 15 && len(w.shown[chat]) > 0:
		b := w.press(chat)
		if b.URL != "" {
			return
		}
		in.Kind, in.Data = flows.KindButton, b.Data
	case r < 14:
		in.Kind, in.Text = flows.KindText, w.towns[w.rnd.IntN(len(w.towns))]
	case r < 17:
		in.Kind, in.Text = flows.KindText, typed[w.rnd.IntN(len(typed))]
	case r < 19:
		in.Kind, in.Command = flows.KindCommand, commands[w.rnd.IntN(len(commands))]
	default:
		in.Kind, in.Lat, in.Lon = flows.KindLocation, 36+w.rnd.Float64()*11, 6.5+w.rnd.Float64()*12
	}
	w.steps = append(w.steps, fmt.Sprintf("%d: %+v", chat, in))
	ctx := context.Background()
	res, err := w.svc.Handle(ctx, in)
	if err != nil {
		w.t.Fatalf("after %v: %v", w.steps, err)
	}
	if len(res.Replies) > 0 {
		w.shown[chat], w.asksNumber[chat] = nil, false
	}
	for _, r := range res.Replies {
		w.show(chat, w.render.Render(res.Lang, r))
	}
	if w.rnd.IntN(10) == 0 {
		w.now = w.now.Add(time.Duration(w.rnd.IntN(6*60)) * time.Minute)
		if err := w.svc.Tick(ctx); err != nil {
			w.t.Fatal(err)
		}
	}
	w.deliver()
}

// deliver renders what the outbox holds, as Delivery does, and puts it on
// its chat's screen.
func (w *walk) deliver() {
	ctx := context.Background()
	pending, err := w.st.Pending(ctx, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	for i, o := range pending {
		m := w.render.Render(o.Lang, o.Reply)
		if o.Edit == 0 {
			w.shown[o.Chat], w.asksNumber[o.Chat] = nil, false
		}
		w.show(o.Chat, m)
		if _, err := w.st.Sent(ctx, o, 1000+i); err != nil {
			w.t.Fatal(err)
		}
	}
}

// press picks a button on a chat's screen, seldom one that leaves it.
func (w *walk) press(chat int64) MessageButton {
	shown := w.shown[chat]
	for range 4 {
		if b := shown[w.rnd.IntN(len(shown))]; !leaving[b.Data] {
			return b
		}
	}
	return shown[w.rnd.IntN(len(shown))]
}

// show checks the buttons of a message and puts them on the chat's screen.
func (w *walk) show(chat int64, m Message) {
	if m.ContactLabel != "" {
		w.asksNumber[chat] = true
	}
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.URL == "" && len(b.Data) > maxButtonData {
				w.t.Errorf("button %q carries %d bytes of data, more than Telegram's %d: %q\nafter %s",
					b.Label, len(b.Data), maxButtonData, b.Data, strings.Join(w.steps[max(0, len(w.steps)-5):], "\n"))
			}
			w.shown[chat] = append(w.shown[chat], b)
		}
	}
}
