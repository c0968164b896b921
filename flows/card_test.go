package flows_test

import (
	"strings"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/locales"
	"frontdoor/store/memstore"
)

// rendered is what she reads of a result in lang, every reply as plain text.
// day is a civil date.
func day(y int, m time.Month, d int) directory.Date { return directory.Date{Year: y, Month: m, Day: d} }

func rendered(t testing.TB, res flows.Result, lang string) string {
	t.Helper()
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	r := bot.NewRenderer(cat)
	r.Missing = func(lang, id string) { t.Errorf("message %q missing in %s", id, lang) }
	var parts []string
	for _, rep := range res.Replies {
		parts = append(parts, bot.PlainText(r.Render(lang, rep).Text))
	}
	return strings.Join(parts, "\n\n")
}

// cardService serves the sample directory changed by edit, at a given time.
func cardService(t *testing.T, at time.Time, edit func(*directory.Data)) *flows.Service {
	t.Helper()
	d := dirfile.Sample()
	edit(&d)
	dir, err := directory.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return flows.NewService(memstore.New(), dir, flows.Options{Langs: []string{"it", "en"}, Now: func() time.Time { return at }})
}

func centreOf(d *directory.Data, id string) *directory.Centre {
	for i := range d.Centres {
		if d.Centres[i].ID == id {
			return &d.Centres[i]
		}
	}
	panic("no centre " + id)
}

// TestCardClosureNotice: women see a closure on the card from 14 days
// before it starts, then while it lasts.
func TestCardClosureNotice(t *testing.T) {
	for _, tc := range []struct {
		at       time.Time
		from, to directory.Date
		reason   string
		it, en   string // "" when nothing is shown
	}{
		{rome(2027, 12, 9, 10, 0), day(2027, 12, 24), day(2027, 12, 26), "", "", ""},
		{rome(2027, 12, 10, 10, 0), day(2027, 12, 24), day(2027, 12, 26), "", "Chiuso dal 24 al 26 dicembre", "Closed from 24 to 26 December"},
		{rome(2027, 12, 20, 10, 0), day(2027, 12, 24), day(2028, 1, 6), "feste", "Chiuso dal 24 dicembre al 6 gennaio: feste", "Closed from 24 December to 6 January: feste"},
		{rome(2027, 12, 20, 10, 0), day(2027, 12, 25), day(2027, 12, 25), "", "Chiuso il 25 dicembre", "Closed on 25 December"},
		{rome(2027, 12, 25, 10, 0), day(2027, 12, 24), day(2027, 12, 26), "", "Chiuso fino al 26 dicembre", "Closed until 26 December"},
		{rome(2027, 12, 27, 10, 0), day(2027, 12, 24), day(2027, 12, 26), "", "", ""},
	} {
		svc := cardService(t, tc.at, func(d *directory.Data) {
			centreOf(d, "arca-crema").Closures = []directory.Closure{{From: tc.from, To: tc.to, Reason: tc.reason}}
		})
		res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "c:arca-crema"})
		for lang, want := range map[string]string{"it": tc.it, "en": tc.en} {
			got := rendered(t, res, lang)
			if want == "" {
				if strings.Contains(got, "\nChiuso") || strings.Contains(got, "\nClosed ") {
					t.Errorf("%v %s: a closure is shown:\n%s", tc.at, lang, got)
				}
				continue
			}
			if !strings.Contains(got, "\n"+want+"\n") {
				t.Errorf("%v %s: want the line %q in\n%s", tc.at, lang, want, got)
			}
		}
	}
}

// TestNetworkLine24: ARCA's 24-hour line is shown beside 1522 and 112 when
// every centre of ARCA is closed, and only then.
func TestNetworkLine24(t *testing.T) {
	withLine := func(d *directory.Data) { d.Networks[0].Phone24h = "+393351234567" }
	night := cardService(t, sundayNight, withLine)
	if got := rendered(t, handle(t, night, flows.Input{Kind: flows.KindButton, Data: "open:arca"}), "it"); !strings.Contains(got, "☎️ Sempre attivo, 24 ore su 24 · ARCA – Rete antiviolenza del Comune di Cremona: +39 335 123 4567") || !strings.Contains(got, "1522") {
		t.Errorf("the open-now screen at night:\n%s", got)
	}
	if got := rendered(t, handle(t, night, flows.Input{Kind: flows.KindButton, Data: "c:arca-crema"}), "en"); !strings.Contains(got, "☎️ Always on, 24 hours a day · ARCA") {
		t.Errorf("a closed ARCA card at night:\n%s", got)
	}
	if got := rendered(t, handle(t, night, flows.Input{Kind: flows.KindButton, Data: "open:amaranta"}), "it"); strings.Contains(got, "335") {
		t.Errorf("Amaranta's screen shows ARCA's line:\n%s", got)
	}
	day := cardService(t, tuesdayMorning, withLine)
	if got := rendered(t, handle(t, day, flows.Input{Kind: flows.KindButton, Data: "c:arca-crema"}), "it"); strings.Contains(got, "335") {
		t.Errorf("the line is shown while ARCA Cremona is open:\n%s", got)
	}
}

// TestCardPhonesGrouped: numbers read as Italians write them.
func TestCardPhonesGrouped(t *testing.T) {
	svc := cardService(t, tuesdayMorning, func(d *directory.Data) {
		centreOf(d, "arca-crema").Phones = []string{"+390373123456", "+393331234567"}
	})
	if got := rendered(t, handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "c:arca-crema"}), "it"); !strings.Contains(got, "☎️ +39 0373 123456 · +39 333 123 4567") {
		t.Errorf("phones on the card:\n%s", got)
	}
}

// TestDraftHidden: a draft is found by no search and no button.
func TestDraftHidden(t *testing.T) {
	svc := cardService(t, tuesdayMorning, func(d *directory.Data) { centreOf(d, "arca-crema").Draft = true })
	dir := svc.Directory()
	if _, cs := dir.FindTown("Offanengo"); len(cs) != 0 {
		t.Errorf("a town covered only by a draft finds %v", cs)
	}
	for _, r := range dir.Nearest(45.36, 9.68, 5) {
		if r.Centre.ID == "arca-crema" {
			t.Errorf("the draft is among the nearest")
		}
	}
	if res := handle(t, svc, flows.Input{Kind: flows.KindButton, Data: "c:arca-crema"}); hasText(res, "card.name") {
		t.Errorf("a draft's card is shown: %v", ids(res))
	}
	if len(dir.StaffCentres("arca")) != 3 || len(dir.Centres("arca")) != 2 {
		t.Errorf("staff see %d centres, women %d", len(dir.StaffCentres("arca")), len(dir.Centres("arca")))
	}
}
