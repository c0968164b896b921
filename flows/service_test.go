package flows_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/store/memstore"
)

// sessionStore is a function-field mock of flows.SessionStore.
type sessionStore struct {
	SessionFn     func(ctx context.Context, chat int64) (flows.Session, bool, error)
	SaveSessionFn func(ctx context.Context, chat int64, s flows.Session, expires time.Time) error
	// DeleteSessionFn may be nil: deleting then succeeds.
	DeleteSessionFn func(ctx context.Context, chat int64) error
}

func (m sessionStore) Session(ctx context.Context, chat int64) (flows.Session, bool, error) {
	return m.SessionFn(ctx, chat)
}

func (m sessionStore) SaveSession(ctx context.Context, chat int64, s flows.Session, expires time.Time) error {
	return m.SaveSessionFn(ctx, chat, s, expires)
}

func (m sessionStore) DeleteSession(ctx context.Context, chat int64) error {
	if m.DeleteSessionFn == nil {
		return nil
	}
	return m.DeleteSessionFn(ctx, chat)
}

// sampleDir is the directory of dirfile.Sample.
func sampleDir(t testing.TB) *directory.Directory {
	t.Helper()
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func newService(t testing.TB, st flows.SessionStore, at time.Time) *flows.Service {
	t.Helper()
	dir := sampleDir(t)
	return flows.NewService(st, dir, flows.Options{Langs: []string{"it", "en"}, Now: func() time.Time { return at }})
}

func handle(t testing.TB, svc *flows.Service, in flows.Input) flows.Result {
	t.Helper()
	if in.Chat == 0 {
		in.Chat = 4242
	}
	res, err := svc.Handle(context.Background(), in)
	if err != nil {
		t.Fatalf("Handle(%+v): %v", in, err)
	}
	return res
}

// hasText tells whether any reply carries the message id.
func hasText(res flows.Result, id string) bool {
	if res.Answer != nil && res.Answer.ID == id {
		return true
	}
	for _, r := range res.Replies {
		for _, t := range r.Texts {
			if t.ID == id {
				return true
			}
		}
	}
	return false
}

func TestDuplicateUpdateIsSkipped(t *testing.T) {
	st := memstore.New()
	svc := newService(t, st, tuesdayMorning)
	handle(t, svc, flows.Input{Update: 10, Kind: flows.KindCommand, Command: "start"})
	handle(t, svc, flows.Input{Update: 11, Kind: flows.KindButton, Data: "lang:en"})
	res := handle(t, svc, flows.Input{Update: 11, Kind: flows.KindButton, Data: "lang:it"})
	if !res.Duplicate || len(res.Replies) != 0 {
		t.Fatalf("re-delivered update: got %+v, want a duplicate with no reply", res)
	}
	s, _, _ := st.Session(context.Background(), 4242)
	if s.Lang != "en" || s.LastUpdate != 11 {
		t.Errorf("the duplicate changed the session: %+v", s)
	}
	if res := handle(t, svc, flows.Input{Update: 9, Kind: flows.KindText, Text: "Crema"}); !res.Duplicate {
		t.Errorf("an older update was handled again")
	}
}

func TestLanguage(t *testing.T) {
	for _, tc := range []struct{ client, want string }{
		{"en", "en"}, {"en-GB", "en"}, {"it-IT", "it"}, {"de", "it"}, {"", "it"}, {"EN_us", "en"},
	} {
		svc := newService(t, memstore.New(), tuesdayMorning)
		if got := handle(t, svc, flows.Input{Lang: tc.client, Kind: flows.KindCommand, Command: "start"}).Lang; got != tc.want {
			t.Errorf("client language %q: replies in %q, want %q", tc.client, got, tc.want)
		}
	}
	svc := newService(t, memstore.New(), tuesdayMorning)
	handle(t, svc, flows.Input{Lang: "it", Kind: flows.KindCommand, Command: "lang", Args: "en"})
	if got := handle(t, svc, flows.Input{Lang: "it", Kind: flows.KindText, Text: "Crema"}).Lang; got != "en" {
		t.Errorf("the chosen language was not remembered: %q", got)
	}
	if res := handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "lang", Args: "xx"}); !hasText(res, "lang.prompt") {
		t.Errorf("an unknown language code must show the picker")
	}
}

func TestExitForgetsHer(t *testing.T) {
	st := memstore.New()
	svc := newService(t, st, tuesdayMorning)
	handle(t, svc, flows.Input{Update: 1, Lang: "en", Kind: flows.KindCommand, Command: "start"})
	handle(t, svc, flows.Input{Update: 2, Kind: flows.KindText, Text: "Cremona"})
	res := handle(t, svc, flows.Input{Update: 3, Kind: flows.KindButton, Data: "exit"})
	if !res.Wipe || len(res.Replies) != 0 || res.Event != "exit" {
		t.Errorf("exit: got %+v, want a wipe that leaves nothing", res)
	}
	if s, found, _ := st.Session(context.Background(), 4242); found {
		t.Errorf("after exit the store keeps %+v; want nothing", s)
	}
	if res := handle(t, svc, flows.Input{Update: 4, Kind: flows.KindText, Text: "ciao"}); !hasText(res, "welcome.hello") || res.Wipe {
		t.Errorf("after exit, a message must start afresh")
	}
}

// TestWipeChoices: the exit and the idle wipe leave one neutral message
// only if she chose so; /forget asks first and tells every Forgetter.
func TestWipeChoices(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	var forgotten []int64
	dir := sampleDir(t)
	svc := flows.NewService(st, dir, flows.Options{Langs: []string{"it", "en"}, Now: func() time.Time { return tuesdayMorning },
		Forgetters: []flows.Forgetter{forgetFunc(func(_ context.Context, chat int64) error { forgotten = append(forgotten, chat); return nil })}})

	res := handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "start"})
	if res.IdleWipe != flows.DefaultIdleWipe {
		t.Errorf("default idle wipe %v, want %v", res.IdleWipe, flows.DefaultIdleWipe)
	}
	for _, tc := range []struct {
		data string
		want time.Duration
	}{{"idle:5", 5 * time.Minute}, {"idle:720", 12 * time.Hour}, {"idle:off", 0}, {"idle:99999", 0}, {"idle:60", time.Hour}} {
		res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: tc.data})
		if res.IdleWipe != tc.want {
			t.Errorf("%s: idle wipe %v, want %v", tc.data, res.IdleWipe, tc.want)
		}
	}
	if res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "idle:99999"}); !hasText(res, "idle.prompt") {
		t.Errorf("a forged idle choice must show the picker again")
	}
	res = handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "leave:on"})
	if !hasText(res, "privacy.leave_one") {
		t.Errorf("leave:on not shown: %+v", res)
	}
	res = handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "exit"})
	if !res.Wipe || len(res.Replies) != 1 || !hasText(res, "wipe.left") {
		t.Errorf("exit after leave:on: %+v, want one neutral message", res)
	}
	if len(forgotten) != 0 {
		t.Errorf("exit told the forgetters: an open callback must survive the exit")
	}

	handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "find"})
	res = handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "exit"})
	if len(res.Replies) != 1 || !res.Replies[0].RemoveKeyboard || !res.Replies[0].Transient {
		t.Errorf("exit after the location keyboard: %+v, want one transient reply that removes it", res.Replies)
	}

	handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "leave:on"})
	res, err := svc.Wipe(ctx, 4242)
	if err != nil || !res.Wipe || !hasText(res, "wipe.left") || res.Event != "idle_wipe" {
		t.Errorf("idle wipe: %+v, %v", res, err)
	}
	if _, found, _ := st.Session(ctx, 4242); found {
		t.Errorf("the idle wipe kept her session")
	}
	if res, err := svc.Wipe(ctx, 4242); err != nil || !res.Wipe || len(res.Replies) != 0 {
		t.Errorf("idle wipe without a session: %+v, %v", res, err)
	}

	handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "start"})
	res = handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "forget"})
	if res.Wipe || !hasText(res, "forget.ask") || len(forgotten) != 0 {
		t.Fatalf("/forget must ask first: %+v", res)
	}
	res = handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "forget:yes"})
	if !res.Wipe || len(res.Replies) != 0 || res.Event != "forget" || !slices.Equal(forgotten, []int64{4242}) {
		t.Errorf("forget:yes: %+v, forgotten %v", res, forgotten)
	}
	if _, found, _ := st.Session(ctx, 4242); found {
		t.Errorf("/forget kept her session")
	}
}

// TestForgetFailure: when a Forgetter fails she is told, so she can try
// again, and the chat is wiped all the same.
func TestForgetFailure(t *testing.T) {
	dir := sampleDir(t)
	svc := flows.NewService(memstore.New(), dir, flows.Options{
		Forgetters: []flows.Forgetter{forgetFunc(func(context.Context, int64) error { return errors.New("disk on fire") })}})
	res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "forget:yes"})
	if !res.Wipe || !hasText(res, "error.store") {
		t.Errorf("got %+v, want a wipe and the apology", res)
	}
}

type forgetFunc func(ctx context.Context, chat int64) error

func (f forgetFunc) Forget(ctx context.Context, chat int64) error { return f(ctx, chat) }

func TestSessionExpiry(t *testing.T) {
	var expires time.Time
	st := memstore.New()
	svc := newService(t, sessionStore{
		SessionFn: st.Session,
		SaveSessionFn: func(ctx context.Context, chat int64, s flows.Session, exp time.Time) error {
			expires = exp
			return st.SaveSession(ctx, chat, s, exp)
		},
	}, tuesdayMorning)
	handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "start"})
	if want := tuesdayMorning.Add(flows.DefaultSessionTTL); !expires.Equal(want) {
		t.Errorf("session expires at %v, want %v", expires, want)
	}
}

// TestStoreFailure: when the store fails she is told so honestly and gets
// the numbers that always answer; nothing panics.
func TestStoreFailure(t *testing.T) {
	broken := errors.New("disk on fire")
	for name, st := range map[string]sessionStore{
		"save": {
			SessionFn:     func(context.Context, int64) (flows.Session, bool, error) { return flows.Session{}, false, nil },
			SaveSessionFn: func(context.Context, int64, flows.Session, time.Time) error { return broken },
		},
		"load and save": {
			SessionFn:     func(context.Context, int64) (flows.Session, bool, error) { return flows.Session{}, false, broken },
			SaveSessionFn: func(context.Context, int64, flows.Session, time.Time) error { return broken },
		},
	} {
		t.Run(name, func(t *testing.T) {
			res := handle(t, newService(t, st, tuesdayMorning), flows.Input{Lang: "en", Kind: flows.KindText, Text: "Crema"})
			if !hasText(res, "error.store") || !hasText(res, "emergency.1522") || !hasText(res, "emergency.112") || res.Lang != "en" {
				t.Errorf("got %+v, want the apology with 1522 and 112 in English", res)
			}
		})
	}
}

// TestUnreadableSessionStartsOver: a record that cannot be opened does not
// lock her out; she starts afresh and the record is replaced.
func TestUnreadableSessionStartsOver(t *testing.T) {
	var saved bool
	st := sessionStore{
		SessionFn: func(context.Context, int64) (flows.Session, bool, error) {
			return flows.Session{}, false, errors.New("open sealed record: message authentication failed")
		},
		SaveSessionFn: func(context.Context, int64, flows.Session, time.Time) error { saved = true; return nil },
	}
	res := handle(t, newService(t, st, tuesdayMorning), flows.Input{Kind: flows.KindText, Text: "ciao"})
	if !hasText(res, "welcome.hello") || !saved {
		t.Errorf("got %+v (saved %v), want a fresh welcome and the record replaced", res.Replies, saved)
	}
}

func TestUnknownStoredStateStartsOver(t *testing.T) {
	st := memstore.New()
	if err := st.SaveSession(context.Background(), 4242, flows.Session{State: "no-such-state", Lang: "en"}, tuesdayMorning.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	res := handle(t, newService(t, st, tuesdayMorning), flows.Input{Kind: flows.KindButton, Data: "menu"})
	if !hasText(res, "menu.title") {
		t.Errorf("got %+v, want the menu", res)
	}
}

func TestButtons(t *testing.T) {
	svc := newService(t, memstore.New(), tuesdayMorning)
	handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "start"})
	for _, tc := range []struct{ data, want string }{
		{"find", "find.prompt"},
		{"net:arca", "list.area"},
		{"net:gone", "find.prompt"},
		{"c:arca-crema", "card.name"},
		{"c:deleted-centre", "find.prompt"},
		// A comune by its ISTAT code, a covered town by its handle.
		{"town:019036", "card.name"},
		{"town:015209", "town.outside"},
		{"town:999999", "find.prompt"},
		{"town:~" + directory.TownHandle("Cremona"), "card.name"},
		{"town:~" + directory.TownHandle("Atlantis"), "find.prompt"},
		// Buttons made before the handles carry the town's name.
		{"town:Cremona", "card.name"},
		{"town:Atlantis", "find.prompt"},
		{"town:Sesto San Giovanni (MI)", "town.outside"},
		{"town:Sesto", "town.pick"},
		{"open:amaranta", "open.count"},
		{"open:*", "open.count"},
		{"sos", "emergency.1522"},
		{"lang", "lang.prompt"},
		{"lang:en", "lang.set"},
		{"menu", "menu.title"},
		{"", "auto.notice"},
		{"forged:data", "auto.notice"},
	} {
		if res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: tc.data}); !hasText(res, tc.want) {
			t.Errorf("button %q: got %+v, want %s", tc.data, res.Replies, tc.want)
		}
	}
}

// TestTownButtons: every town button leads where it says — a comune she
// picks among several, a covered town she may have meant, and a card's
// way back to the town's list — and carries a short handle, never the
// town's name, whatever its length.
func TestTownButtons(t *testing.T) {
	const long = "Borgonuovo Zeffirellino Quattrocantoni Dellarocca Superiore" // "town:"+name would pass 64 bytes
	data := dirfile.Sample()
	for i := range data.Centres[:2] {
		data.Centres[i].Towns = append(data.Centres[i].Towns, long)
	}
	dir, err := directory.New(data)
	if err != nil {
		t.Fatal(err)
	}
	svc := flows.NewService(memstore.New(), dir, flows.Options{Langs: []string{"it"}, Now: func() time.Time { return tuesdayMorning }})
	press := func(data string) flows.Result { return handle(t, svc, flows.Input{Kind: flows.KindButton, Data: data}) }
	townButtons := func(res flows.Result) []flows.Button {
		var out []flows.Button
		for _, r := range res.Replies {
			for _, row := range r.Buttons {
				for _, b := range row {
					if strings.HasPrefix(b.Data, "town:") {
						if len(b.Data) > len("town:~")+16 {
							t.Errorf("button %q carries more than a handle", b.Data)
						}
						out = append(out, b)
					}
				}
			}
		}
		return out
	}
	handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "start"})
	press("find")
	// Several comuni start so: each one picked gives its answer.
	picks := townButtons(handle(t, svc, flows.Input{Kind: flows.KindText, Text: "Sesto"}))
	if len(picks) < 2 {
		t.Fatalf("Sesto offers %+v", picks)
	}
	for _, b := range picks {
		press("find")
		res := press(b.Data)
		if !hasText(res, "town.outside") && !hasText(res, "card.name") && !hasText(res, "list.town") {
			t.Errorf("%s (%s) leads to %+v", b.Label.Data["Text"], b.Data, res.Replies)
		}
	}
	// A typo in the long name: "did you mean", then its list, a card, and
	// the way back to the list.
	press("find")
	res := handle(t, svc, flows.Input{Kind: flows.KindText, Text: "Borgonuovo Zefirellino Quattrocantoni Dellarocca Superiore"})
	meant := townButtons(res)
	if len(meant) != 1 || meant[0].Label.Data["Text"] != long {
		t.Fatalf("did you mean: %+v", meant)
	}
	if res = press(meant[0].Data); !hasText(res, "list.town") {
		t.Fatalf("the town she meant: %+v", res.Replies)
	}
	res = press("c:" + data.Centres[0].ID)
	back := townButtons(res)
	if len(back) != 1 {
		t.Fatalf("the card's buttons to the town: %+v", back)
	}
	if res = press(back[0].Data); !hasText(res, "list.town") {
		t.Errorf("back from the card: %+v", res.Replies)
	}
}

// TestStartPayloadPreselectsNetwork: a poster's deep link names a network,
// and "open now" then answers for it without asking.
func TestStartPayloadPreselectsNetwork(t *testing.T) {
	svc := newService(t, memstore.New(), tuesdayMorning)
	handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "start", Args: "amaranta"})
	res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "open"})
	if !hasText(res, "open.count") || hasText(res, "open.pick") {
		t.Errorf("got %+v, want the open centres of amaranta", res.Replies)
	}
}

// FuzzHandle: nothing she types or a forged button sends can make the
// dialogue fail or reply with nothing.
func FuzzHandle(f *testing.F) {
	for _, s := range []string{"Crema", "c:arca-crema", "town:", "lang:zz", "net:", "open:*", "🙂", strings.Repeat("a", 5000), "\x00\xff", "Sant'Angelo Lodigiano",
		"exit", "privacy", "idle", "idle:5", "idle:off", "idle:-1", "leave:on", "forget", "forget:yes"} {
		f.Add(s, uint8(flows.KindText))
		f.Add(s, uint8(flows.KindButton))
		f.Add(s, uint8(flows.KindCommand))
	}
	svc := newService(f, memstore.New(), tuesdayMorning)
	kinds := []flows.Kind{flows.KindCommand, flows.KindText, flows.KindButton, flows.KindLocation}
	f.Fuzz(func(t *testing.T, s string, k uint8) {
		in := flows.Input{Chat: 7, Kind: kinds[int(k)%len(kinds)], Text: s, Data: s, Command: s, Args: s, Lat: float64(len(s)), Lon: 9}
		res, err := svc.Handle(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Replies) == 0 && !res.Wipe {
			t.Fatalf("no reply to %+v", in)
		}
		for _, r := range res.Replies {
			for _, row := range r.Buttons {
				if i := slices.IndexFunc(row, func(b flows.Button) bool { return len(b.Data) > 64 }); i >= 0 {
					t.Fatalf("button data longer than Telegram allows: %q", row[i].Data)
				}
			}
		}
	})
}

// TestStatusAcrossMidnight: a night slot says until when, with the day; a
// centre open round the clock says so instead of a time.
func TestStatusAcrossMidnight(t *testing.T) {
	night := []directory.Slot{{Open: 20 * 60, Close: 2 * 60}}
	all := []directory.Slot{{Open: 0, Close: 1440}}
	data := directory.Data{
		Networks: []directory.Network{{ID: "net", Name: "Rete"}},
		Centres: []directory.Centre{
			{ID: "night", Network: "net", Name: "Notte", Town: "Crema", Lat: 45.36, Lon: 9.68, Hours: directory.Week{time.Friday: night}},
			{ID: "always", Network: "net", Name: "Sempre", Town: "Lodi", Lat: 45.31, Lon: 9.50, OpenOnHolidays: true,
				Hours: directory.Week{all, all, all, all, all, all, all}},
		},
	}
	dir, err := directory.New(data)
	if err != nil {
		t.Fatal(err)
	}
	friday := rome(2027, time.March, 19, 23, 0)
	svc := flows.NewService(memstore.New(), dir, flows.Options{Now: func() time.Time { return friday }})
	status := func(town string) flows.Text {
		res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "town:" + town})
		for _, tx := range res.Replies[0].Texts {
			if strings.HasPrefix(tx.ID, "status.") {
				return tx
			}
		}
		t.Fatalf("no status on the card of %s", town)
		return flows.Text{}
	}
	if st := status("Crema"); st.ID != "status.open_until_when" || st.Data["When"].(flows.Text).ID != "when.tomorrow" || st.Data["When"].(flows.Text).Data["Time"] != "2:00" {
		t.Errorf("night slot: got %+v, want open until tomorrow at 2:00", st)
	}
	if st := status("Lodi"); st.ID != "status.open_always" {
		t.Errorf("round the clock: got %+v", st)
	}
}

// TestPrivacySaysDeletedMayStay: the privacy screen says that what is
// deleted stays readable with the key in the store's free space for a
// while.
func TestPrivacySaysDeletedMayStay(t *testing.T) {
	svc := flows.NewService(memstore.New(), sampleDir(t), flows.Options{Now: func() time.Time { return tuesdayMorning }})
	if res := handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "privacy"}); !hasText(res, "privacy.deleted") {
		t.Errorf("privacy screen %+v lacks privacy.deleted", res.Replies)
	}
}

// TestIsExit: every input IsExit names wipes the chat, and the dialogue's
// other inputs are not taken for one.
func TestIsExit(t *testing.T) {
	svc := newService(t, memstore.New(), tuesdayMorning)
	for _, in := range []flows.Input{
		{Kind: flows.KindCommand, Command: "exit"}, {Kind: flows.KindCommand, Command: "esci"},
		{Kind: flows.KindCommand, Command: "stop"}, {Kind: flows.KindCommand, Command: "fine"},
		{Kind: flows.KindButton, Data: "exit"}, {Kind: flows.KindButton, Data: "forget:yes"},
	} {
		if !flows.IsExit(in) {
			t.Errorf("IsExit(%+v) = false", in)
		}
		handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "start"})
		if res := handle(t, svc, in); !res.Wipe {
			t.Errorf("%+v does not wipe", in)
		}
	}
	for _, in := range []flows.Input{{Kind: flows.KindText, Text: "exit"}, {Kind: flows.KindButton, Data: "sos"}, {Kind: flows.KindCommand, Command: "forget"}} {
		if flows.IsExit(in) {
			t.Errorf("IsExit(%+v) = true", in)
		}
	}
}

// TestFlooded: the notice is in her language, neutral first, with the
// numbers and the exit, and only when asked; it changes nothing; a group
// gets none; an input handled before is a duplicate, and the one whose
// replies were kept gets them again.
func TestFlooded(t *testing.T) {
	st := memstore.New()
	svc := newService(t, st, tuesdayMorning)
	handle(t, svc, flows.Input{Chat: 8, Update: 1, Kind: flows.KindCommand, Command: "start"})
	handle(t, svc, flows.Input{Chat: 8, Update: 2, Kind: flows.KindButton, Data: "lang:en"})
	before, _, _ := st.Session(context.Background(), 8)
	flooded := func(in flows.Input, notice bool) flows.Result {
		t.Helper()
		res, err := svc.Flooded(context.Background(), in, notice)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := flooded(flows.Input{Chat: 8, Update: 3, Lang: "it", Kind: flows.KindText, Text: "x"}, true)
	if res.Lang != "en" || res.Duplicate || len(res.Replies) != 1 || res.Replies[0].Texts[0].ID != "flood.notice" || !hasText(res, "emergency.1522") {
		t.Fatalf("Flooded = %+v", res)
	}
	if b := res.Replies[0].Buttons; len(b) == 0 || !slices.ContainsFunc(b[len(b)-1], func(x flows.Button) bool { return x.Data == "exit" }) {
		t.Errorf("no exit on the notice: %+v", b)
	}
	if after, _, _ := st.Session(context.Background(), 8); !reflect.DeepEqual(before, after) {
		t.Errorf("the notice changed her session")
	}
	if res := flooded(flows.Input{Chat: 8, Update: 3}, false); res.Duplicate || len(res.Replies) != 0 {
		t.Errorf("no notice asked: %+v", res)
	}
	if res := flooded(flows.Input{Chat: 8, Update: 2}, true); !res.Duplicate || len(res.Replies) != 0 {
		t.Errorf("an input handled before: %+v", res)
	}
	if res := flooded(flows.Input{Chat: -100, Group: true}, true); len(res.Replies) != 0 {
		t.Errorf("a group got a notice: %+v", res.Replies)
	}
	kept := []flows.Reply{{Texts: []flows.Text{flows.T("callback.confirmed")}}}
	before.LastUpdate, before.Replay = 9, kept
	if err := st.SaveSession(context.Background(), 8, before, tuesdayMorning.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if res := flooded(flows.Input{Chat: 8, Update: 9}, true); !res.Duplicate || !reflect.DeepEqual(res.Replies, kept) {
		t.Errorf("the update whose replies were kept: %+v", res)
	}
}

// With periodic backups, the privacy screen says how long what is kept can
// stay in them after it is deleted (also by /forget); without, it says
// nothing of backups.
func TestPrivacyTellsOfBackups(t *testing.T) {
	for _, backups := range []time.Duration{0, 7 * 24 * time.Hour} {
		svc := flows.NewService(memstore.New(), sampleDir(t), flows.Options{Langs: []string{"it"}, Now: func() time.Time { return tuesdayMorning }, Backups: backups})
		res := handle(t, svc, flows.Input{Kind: flows.KindCommand, Command: "privacy"})
		var said *flows.Text
		for _, r := range res.Replies {
			for i, tx := range r.Texts {
				if tx.ID == "privacy.backups" {
					said = &r.Texts[i]
				}
			}
		}
		switch {
		case backups == 0 && said != nil:
			t.Error("the privacy screen speaks of backups that are not made")
		case backups > 0 && said == nil:
			t.Errorf("with backups kept %v, the privacy screen does not say so", backups)
		case backups > 0 && (said.Data["Duration"].(flows.Text).ID != "duration.days" || said.Data["Duration"].(flows.Text).Data["N"] != 7):
			t.Errorf("privacy.backups says %+v, want 7 days", said.Data)
		}
	}
}
