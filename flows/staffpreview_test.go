package flows_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"frontdoor/flows"
	"frontdoor/flows/directory"
)

// TestClosurePreview: what a volunteer types as a closure, in Italian or
// English, is previewed with its years, in her language; one already over
// or more than a year away is flagged. Today is Tuesday 16 March 2027.
func TestClosurePreview(t *testing.T) {
	for _, tc := range []struct{ typed, it, en string }{
		{"chiuso 24-26 dicembre", "dal 24 dicembre 2027 al 26 dicembre 2027", "from 24 December 2027 to 26 December 2027"},
		{"chiuso dal 24 al 26 dicembre", "dal 24 dicembre 2027 al 26 dicembre 2027", "from 24 December 2027 to 26 December 2027"},
		{"chiuso 24/12-26/12", "dal 24 dicembre 2027 al 26 dicembre 2027", "from 24 December 2027 to 26 December 2027"},
		{"chiuso 24/12", "il 24 dicembre 2027", "on 24 December 2027"},
		{"chiuso il 25 dicembre", "il 25 dicembre 2027", "on 25 December 2027"},
		{"fino al 6 gennaio", "dal 16 marzo 2027 al 6 gennaio 2028", "from 16 March 2027 to 6 January 2028"},
		{"dal 24 dicembre al 6 gennaio per le feste", "dal 24 dicembre 2027 al 6 gennaio 2028: per le feste", "from 24 December 2027 to 6 January 2028: per le feste"},
		{"closed 24-26 December", "dal 24 dicembre 2027 al 26 dicembre 2027", "from 24 December 2027 to 26 December 2027"},
		{"closed from 24 to 26 December", "dal 24 dicembre 2027 al 26 dicembre 2027", "from 24 December 2027 to 26 December 2027"},
		{"until 6 January", "dal 16 marzo 2027 al 6 gennaio 2028", "from 16 March 2027 to 6 January 2028"},
		{"closed December 25", "il 25 dicembre 2027", "on 25 December 2027"},
		{"chiuso 24/12/2026", "il 24 dicembre 2026\n⚠️ Questa chiusura è già finita: controlla l'anno.", "on 24 December 2026\n⚠️ This closure is already over: check the year."},
		{"chiuso 1/5/2029", "il 1 maggio 2029\n⚠️ Comincia tra più di un anno: controlla l'anno.", "on 1 May 2029\n⚠️ It starts more than a year from now: check the year."},
	} {
		svc, _ := staffService(t)
		handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.closure:arca-crema"})
		res := handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindText, Text: tc.typed})
		for lang, want := range map[string]string{"it": tc.it, "en": tc.en} {
			if got := rendered(t, res, lang); !strings.Contains(got, "Centro antiviolenza ARCA – Crema\n"+want+"\n") {
				t.Errorf("%q in %s: want\n%s\nin\n%s", tc.typed, lang, want, got)
			}
		}
	}
}

// TestHoursPreview: hours typed the ways people write them are previewed
// as a table of the week in her language.
func TestHoursPreview(t *testing.T) {
	for _, tc := range []struct{ typed, it, en string }{
		{"lun, mer, ven 9-12",
			"lunedì: 9:00–12:00\nmartedì: chiuso\nmercoledì: 9:00–12:00\ngiovedì: chiuso\nvenerdì: 9:00–12:00\nsabato: chiuso\ndomenica: chiuso",
			"Monday: 9:00–12:00\nTuesday: closed\nWednesday: 9:00–12:00\nThursday: closed\nFriday: 9:00–12:00\nSaturday: closed\nSunday: closed"},
		{"dal lunedì al venerdì 9-13",
			"lunedì: 9:00–13:00\nmartedì: 9:00–13:00\nmercoledì: 9:00–13:00\ngiovedì: 9:00–13:00\nvenerdì: 9:00–13:00\nsabato: chiuso",
			"Monday: 9:00–13:00\nTuesday: 9:00–13:00\nWednesday: 9:00–13:00\nThursday: 9:00–13:00\nFriday: 9:00–13:00\nSaturday: closed"},
		{"tutti i giorni 9-18", "venerdì: 9:00–18:00\nsabato: 9:00–18:00\ndomenica: 9:00–18:00", "Friday: 9:00–18:00\nSaturday: 9:00–18:00\nSunday: 9:00–18:00"},
		{"feriali 9-12", "sabato: 9:00–12:00\ndomenica: chiuso", "Saturday: 9:00–12:00\nSunday: closed"},
		{"weekend 10-12", "venerdì: chiuso\nsabato: 10:00–12:00\ndomenica: 10:00–12:00", "Friday: closed\nSaturday: 10:00–12:00\nSunday: 10:00–12:00"},
		{"lun-ven 9:00-13:00 e 14-18", "lunedì: 9:00–13:00, 14:00–18:00", "Monday: 9:00–13:00, 14:00–18:00"},
		{"Monday to Friday 9am-5pm", "giovedì: 9:00–17:00\nvenerdì: 9:00–17:00\nsabato: chiuso", "Thursday: 9:00–17:00\nFriday: 9:00–17:00\nSaturday: closed"},
		{"Mon, Wed, Fri 2pm-6pm", "lunedì: 14:00–18:00\nmartedì: chiuso", "Monday: 14:00–18:00\nTuesday: closed"},
	} {
		svc, _ := staffService(t)
		handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindButton, Data: "st.hours:arca-crema"})
		res := handle(t, svc, flows.Input{Chat: volArca, Kind: flows.KindText, Text: tc.typed})
		for lang, want := range map[string]string{"it": tc.it, "en": tc.en} {
			if got := rendered(t, res, lang); !strings.Contains(got, "\n"+want+"\n") {
				t.Errorf("%q in %s: want\n%s\nin\n%s", tc.typed, lang, want, got)
			}
		}
	}
}

// TestCorrectionsOnPreview: what she types on a confirmation screen is a
// new value for the same question, previewed again; nothing she types in
// the staff tools becomes a town search or the women's menu.
func TestCorrectionsOnPreview(t *testing.T) {
	svc, _ := staffService(t)
	say := func(in flows.Input) flows.Result {
		in.Chat = volArca
		return handle(t, svc, in)
	}
	text := func(s string) flows.Result { return say(flows.Input{Kind: flows.KindText, Text: s}) }
	button := func(d string) flows.Result { return say(flows.Input{Kind: flows.KindButton, Data: d}) }
	crema := func() *directory.Centre { c, _ := svc.Directory().Centre("arca-crema"); return c }

	button("st.hours:arca-crema")
	text("lun-ven 9-13")
	if res := text("lun-ven 9-12"); !hasText(res, "staff.preview_hours") {
		t.Fatalf("a correction of the hours: %v", ids(res))
	}
	button("st.ok")
	if got := crema().Hours[1]; len(got) != 1 || got[0].Close != 12*60 {
		t.Errorf("the corrected hours were not saved: %v", got)
	}

	button("st.closure:arca-crema")
	text("chiuso 24-26 dicembre")
	if res := text("chiuso 23-26 dicembre"); !hasText(res, "staff.preview_closure") {
		t.Fatalf("a correction of the closure: %v", ids(res))
	}
	button("st.ok")
	if got := crema().Closures; len(got) != 1 || got[0].From.Day != 23 {
		t.Errorf("the corrected closure was not saved: %v", got)
	}

	button("st.field:arca-crema/phones")
	text("0373 111111")
	if res := text("0373 222222"); !hasText(res, "staff.confirm") {
		t.Fatalf("a correction of the phones: %v", ids(res))
	}
	button("st.fieldok")
	if got := crema().Phones; !slices.Equal(got, []string{"+390373222222"}) {
		t.Errorf("the corrected phones were not saved: %v", got)
	}

	// Languages: tapped, or typed by name on the same screen.
	if res := button("st.field:arca-crema/languages"); !hasText(res, "staff.toggles_languages") {
		t.Fatalf("no language buttons: %v", ids(res))
	}
	if res := text("inglese, arabo"); !hasText(res, "staff.confirm") {
		t.Fatalf("languages typed by name: %v", ids(res))
	}
	button("st.fieldok")
	if got := crema().Languages; !slices.Equal(got, []string{"en", "ar"}) {
		t.Errorf("languages: %v", got)
	}

	// Services are tapped; a word typed there is explained, not searched.
	button("st.field:arca-crema/services")
	if res := text("Cremona"); !hasText(res, "staff.input_error") || hasText(res, "card.name") || hasText(res, "menu.title") {
		t.Errorf("a word on the services screen: %v", ids(res))
	}
	// On any other staff screen, text says to use the buttons.
	button("st.edit:arca-crema")
	if res := text("Cremona"); !hasText(res, "staff.use_buttons") {
		t.Errorf("a word on the centre's screen: %v", ids(res))
	}
	// The women's menu ends the staff tools: then text is a town again.
	button("menu")
	if res := text("Cremona"); !hasText(res, "card.name") {
		t.Errorf("after the menu a town is searched: %v", ids(res))
	}
}

// TestMarkReal: an admin marks the directory as real after a confirmation,
// and only once no sample number is left.
func TestMarkReal(t *testing.T) {
	svc, st := staffService(t)
	button := func(user int64, d string) flows.Result {
		return handle(t, svc, flows.Input{Chat: user, Kind: flows.KindButton, Data: d})
	}
	if res := button(volArca, "st.real"); hasText(res, "staff.real_ask") || hasText(res, "staff.real_sample_phones") {
		t.Errorf("a volunteer may not mark the data as real: %v", ids(res))
	}
	if res := button(bootAdmin, "st.real"); !hasText(res, "staff.real_sample_phones") {
		t.Fatalf("sample numbers are left: %v", ids(res))
	}
	data := svc.Directory().Data() // replace every sample number
	for i := range data.Centres {
		data.Centres[i].Phones = []string{"+39037212345" + string(rune('0'+i))}
	}
	data.Networks[0].Phone24h = "+393351234567"
	dir, err := directory.New(data)
	if err != nil {
		t.Fatal(err)
	}
	svc.SetDirectory(dir)
	if res := button(bootAdmin, "st.real"); !hasText(res, "staff.real_ask") || !svc.Directory().Sample() {
		t.Fatalf("no confirmation asked: %v", ids(res))
	}
	if res := button(bootAdmin, "st.realok"); !hasText(res, "staff.real_done") || svc.Directory().Sample() {
		t.Fatalf("not marked real: %v", ids(res))
	}
	card := handle(t, svc, flows.Input{Chat: public, Kind: flows.KindButton, Data: "c:arca-crema"})
	if hasText(card, "sample.card") {
		t.Errorf("a card still says sample data")
	}
	if e, _ := st.Audit(context.Background(), "", 5); len(e) != 1 || e[0].Field != "sample" {
		t.Errorf("audit: %+v", e)
	}
}
