package flows_test

import (
	"slices"
	"testing"
	"time"

	"frontdoor/flows"
)

// TestWebDoorWords: behind the web door the screens that speak of clearing
// a chat, of Telegram or of a button the page lacks say it the page's way;
// behind a chat they are as they were.
func TestWebDoorWords(t *testing.T) {
	start := flows.Input{Kind: flows.KindCommand, Command: "start"}
	press := func(data string) flows.Input { return flows.Input{Kind: flows.KindButton, Data: data} }
	for _, tc := range []struct {
		name      string
		in        []flows.Input
		chat, web []string // message ids that only one door shows
	}{
		{"welcome", []flows.Input{start}, []string{"welcome.exit", "auto.notice"}, []string{"welcome.exit_web", "auto.notice_web"}},
		{"unknown words", []flows.Input{start, {Kind: flows.KindText, Text: "qwertyuiop"}}, []string{"auto.notice"}, []string{"auto.notice_web"}},
		{"idle choice", []flows.Input{start, press("idle")}, []string{"idle.prompt"}, []string{"idle.prompt_web"}},
		{"forget", []flows.Input{start, press("forget")}, []string{"forget.what"}, []string{"forget.what_web"}},
		{"find", []flows.Input{start, press("find")}, []string{"find.prompt"}, []string{"find.prompt_web"}},
		{"privacy", []flows.Input{start, press("privacy")},
			[]string{"privacy.kept", "privacy.telegram", "privacy.device", "privacy.idle", "privacy.leave_none"},
			[]string{"privacy.kept_web", "privacy.telegram_web", "privacy.device_web", "privacy.idle_web"}},
		{"idle off", []flows.Input{start, press("idle:off")}, []string{"privacy.idle_off"}, []string{"privacy.idle_off_web"}},
		{"phone", []flows.Input{start, press("cb"), press("cb:c:arca-cremona")}, []string{"cb.phone.contact_warning"}, nil},
		{"message here", []flows.Input{start, press("cb"), press("cb:c:arca-cremona"), {Kind: flows.KindText, Text: "347 000 0000"},
			press("cb:w:asap"), press("cb:wok"), press("cb:m:vm")}, []string{"cb.here.what"}, []string{"cb.here.what_web"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, door := range []flows.Door{flows.DoorChat, flows.DoorWeb} {
				now := func() time.Time { return tuesdayMorning }
				st := withOperators(t, now)
				svc := flows.NewService(st, sampleDir(t), flows.Options{Langs: []string{"it", "en"}, Now: now, Callbacks: st})
				var res flows.Result
				for _, in := range tc.in {
					in.Door = door
					res = handle(t, svc, in)
				}
				shown, hidden := tc.chat, tc.web
				if door == flows.DoorWeb {
					shown, hidden = tc.web, tc.chat
				}
				for _, id := range shown {
					if !hasText(res, id) {
						t.Errorf("door %d: %s missing from %v", door, id, ids(res))
					}
				}
				for _, id := range hidden {
					if hasText(res, id) {
						t.Errorf("door %d: %s shown in %v", door, id, ids(res))
					}
				}
				asks := slices.ContainsFunc(res.Replies, func(r flows.Reply) bool { return r.AskContact })
				if want := door == flows.DoorChat && tc.name == "phone"; asks != want {
					t.Errorf("door %d: asks for the account's number: %v, want %v", door, asks, want)
				}
				leave := slices.ContainsFunc(res.Replies, func(r flows.Reply) bool {
					return slices.ContainsFunc(r.Buttons, func(row []flows.Button) bool {
						return slices.ContainsFunc(row, func(b flows.Button) bool { return b.Data == "leave:on" })
					})
				})
				if want := door == flows.DoorChat && (tc.name == "privacy" || tc.name == "idle off"); leave != want {
					t.Errorf("door %d: offers to leave a message: %v, want %v", door, leave, want)
				}
			}
		})
	}
}

// TestWebDoorHasNoStaff: a page is anyone's, so staff commands and
// invites do nothing behind it, even for an admin's chat id.
func TestWebDoorHasNoStaff(t *testing.T) {
	for _, in := range []flows.Input{
		{Chat: bootAdmin, Kind: flows.KindCommand, Command: "staff"},
		{Chat: bootAdmin, Kind: flows.KindButton, Data: "st.centres"},
		{Chat: volArca, Kind: flows.KindCommand, Command: "audit"},
	} {
		svc, _ := staffService(t)
		handle(t, svc, flows.Input{Chat: in.Chat, Kind: flows.KindCommand, Command: "start"})
		chat := handle(t, svc, in)
		in.Door = flows.DoorWeb
		web := handle(t, svc, in)
		if hasText(chat, "menu.title") || !hasText(web, "menu.title") || web.Menu != flows.MenuUnchanged && web.Menu != flows.MenuPublic {
			t.Errorf("%+v: chat %v, web %v", in, ids(chat), ids(web))
		}
	}
}
