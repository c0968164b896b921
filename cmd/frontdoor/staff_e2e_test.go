package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"frontdoor/bot/telegramtest"
)

// TestVolunteerChangeReachesWomen: the admin named in FRONTDOOR_ADMINS
// invites a volunteer through the bot; the volunteer opens the link, types
// new hours for Bresso and saves; a woman asking for Bresso sees them at
// once, and a restart keeps them.
func TestVolunteerChangeReachesWomen(t *testing.T) {
	api := telegramtest.New(t, testToken)
	dataDir := t.TempDir()
	const admin, volunteer, her = 111, 222, 333
	stop := startBot(t, api, dataDir, "FRONTDOOR_ADMINS", "111")

	api.Press(admin, "it", "st.invite:volunteer/amaranta")
	sent := waitChat(t, api, admin, 1)
	link := regexp.MustCompile(`https://t\.me/fake_test_bot\?start=(inv_[a-z0-9]+)`).FindStringSubmatch(sent[0].Text)
	if link == nil {
		t.Fatalf("no invite link in %q", sent[0].Text)
	}

	api.Command(volunteer, "it", "start", link[1])
	if got := waitChat(t, api, volunteer, 1)[0].Text; !strings.HasPrefix(got, "Ti diamo il benvenuto nello staff") {
		t.Fatalf("the invite did not work: %q", got)
	}
	if !waitChatMenu(api, volunteer, "staff", true) {
		t.Errorf("the new volunteer's chat did not get the staff's command menu: %+v", api.CommandSets())
	}
	api.Press(volunteer, "it", "st.hours:amaranta-bresso")
	waitChat(t, api, volunteer, 2)
	api.Text(volunteer, "it", "lun-dom 7-23")
	preview := waitChat(t, api, volunteer, 5)
	if !strings.Contains(preview[2].Text, "domenica: 7:00–23:00") {
		t.Fatalf("no preview table: %q", preview[2].Text)
	}
	api.Press(volunteer, "it", "st.ok")
	saved := waitChat(t, api, volunteer, 7)
	if !strings.Contains(saved[6].Text, "Salvato") {
		t.Fatalf("not saved: %q", saved[6].Text)
	}

	api.Text(her, "it", "ciao")
	api.Text(her, "it", "Bresso")
	card := waitChat(t, api, her, 2)[1].Text
	if !strings.Contains(card, "7:00–23:00") {
		t.Errorf("the woman does not see the new hours:\n%s", card)
	}
	if _, logs := stop(); regexp.MustCompile(`\b222\b`).MatchString(logs) || strings.Contains(logs, "inv_") {
		t.Errorf("the log names the volunteer or the invite:\n%s", logs)
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, "frontdoor.db"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), strings.TrimPrefix(link[1], "inv_")) {
		t.Errorf("the invite code is readable in the database")
	}

	// A new fake API counts update ids from 1 again: ask from a new chat,
	// which has no session that would take them for re-deliveries.
	again := telegramtest.New(t, testToken)
	startBot(t, again, dataDir)
	const another = 444
	again.Text(another, "it", "ciao")
	again.Text(another, "it", "Bresso")
	if card := waitChat(t, again, another, 2)[1].Text; !strings.Contains(card, "7:00–23:00") {
		t.Errorf("after a restart the change is gone:\n%s", card)
	}
}

// waitChatMenu waits up to 5 s until hasChatMenu is want: the menu is set
// after the replies are sent.
func waitChatMenu(api *telegramtest.Server, chat int64, command string, want bool) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if hasChatMenu(api, chat, command) == want {
			return true
		}
	}
	return false
}

// hasChatMenu tells whether the last menu set for chat offers command.
func hasChatMenu(api *telegramtest.Server, chat int64, command string) bool {
	var last *telegramtest.CommandSet
	for _, set := range api.CommandSets() {
		if set.Scope == "chat" && set.Chat == chat {
			last = &set
		}
	}
	if last == nil || last.Deleted {
		return false
	}
	for _, c := range last.Commands {
		if c.Command == command {
			return true
		}
	}
	return false
}

// TestRevokedStaffLoseTheirMenu: a revoked volunteer who types a staff
// command gets the ordinary menu, and her chat's command menu goes back to
// the public one.
func TestRevokedStaffLoseTheirMenu(t *testing.T) {
	api := telegramtest.New(t, testToken)
	startBot(t, api, t.TempDir(), "FRONTDOOR_ADMINS", "111")
	const admin, volunteer = 111, 222
	api.Press(admin, "it", "st.invite:volunteer/arca")
	code := strings.SplitAfter(waitChat(t, api, admin, 1)[0].Text, "?start=")[1]
	api.Command(volunteer, "it", "start", code)
	waitChat(t, api, volunteer, 1)
	if !waitChatMenu(api, volunteer, "staff", true) {
		t.Fatalf("no staff menu for the new volunteer")
	}

	api.Command(admin, "it", "roles", "")
	roles := waitChat(t, api, admin, 2)[1]
	var revoke string
	for _, d := range buttonData(roles) {
		if strings.HasPrefix(d, "st.revoke:") {
			revoke = strings.TrimPrefix(d, "st.revoke:")
		}
	}
	if revoke == "" {
		t.Fatalf("no revoke button: %+v", roles)
	}
	api.Press(admin, "it", "st.revokeok:"+revoke)
	waitChat(t, api, admin, 3)

	api.Command(volunteer, "it", "staff", "")
	if got := waitChat(t, api, volunteer, 2)[1].Text; !strings.Contains(got, "nessuno legge questa chat") {
		t.Errorf("a revoked volunteer reached the staff tools: %q", got)
	}
	if !waitChatMenu(api, volunteer, "staff", false) {
		t.Errorf("the revoked volunteer keeps the staff's menu")
	}
}
