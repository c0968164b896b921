package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdoor/bot/telegramtest"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
)

// newCentre is a centre a volunteer adds to the file she downloaded.
const newCentre = `
[[centre]]
id = "amaranta-cusano"
network = "amaranta"
name = "Sportello Donne Insieme – Cusano Milanino"
town = "Cusano Milanino"
address_confidential = true
lat = 45.5497
lon = 9.1842
phones = ["+390000000299"]
towns = ["Cusano Milanino"]
languages = ["it"]
services = ["listening"]
[centre.hours]
wed = ["10:00-12:00"]
`

// TestVolunteerAddsCentreByFile: a volunteer of Amaranta downloads the
// centres file in the bot, adds a centre, sends it back, sees what would
// change, confirms; a woman finds the new centre at once. A file that
// touches another network is refused and changes nothing.
func TestVolunteerAddsCentreByFile(t *testing.T) {
	api := telegramtest.New(t, testToken)
	const admin, volunteer, her = 111, 222, 333
	startBot(t, api, t.TempDir(), "FRONTDOOR_ADMINS", "111")

	api.Press(admin, "it", "st.invite:volunteer/amaranta")
	code := strings.SplitAfter(waitChat(t, api, admin, 1)[0].Text, "?start=")[1]
	api.Command(volunteer, "it", "start", code)
	waitChat(t, api, volunteer, 1)

	api.Press(volunteer, "it", "st.export")
	sent := waitChat(t, api, volunteer, 3)
	file := sent[1]
	if file.DocumentName != "directory.toml" || !bytes.Contains(file.Document, []byte("amaranta-bresso")) {
		t.Fatalf("export: %q, %d bytes", file.DocumentName, len(file.Document))
	}
	if bytes.Contains(file.Document, []byte("arca-cremona")) {
		t.Errorf("a volunteer of Amaranta received the centres of ARCA")
	}
	// Every field explains itself in her language.
	for _, want := range []string{"# Il nome che le donne vedono.\nname = ", "# Telefoni, come si scrivono", "# Orari per giorno"} {
		if !bytes.Contains(file.Document, []byte(want)) {
			t.Errorf("the exported file lacks the comment %q", want)
		}
	}

	edited := append(append([]byte(nil), file.Document...), newCentre...)
	api.Document(volunteer, "it", "directory.toml", edited)
	preview := waitChat(t, api, volunteer, 4)[3].Text
	if !strings.Contains(preview, "Il file è valido") || !strings.Contains(preview, "➕ Sportello Donne Insieme – Cusano Milanino") {
		t.Fatalf("preview: %q", preview)
	}
	api.Text(her, "it", "ciao")
	api.Text(her, "it", "Cusano Milanino")
	if got := waitChat(t, api, her, 2)[1].Text; strings.Contains(got, "Sportello Donne Insieme – Cusano") {
		t.Fatalf("the centre is visible before the import was confirmed")
	}

	api.Press(volunteer, "it", "st.import")
	if got := waitChat(t, api, volunteer, 5)[4].Text; !strings.Contains(got, "Importato: 1 modifica") {
		t.Fatalf("import: %q", got)
	}
	api.Text(her, "it", "Cusano Milanino")
	card := waitChat(t, api, her, 3)[2].Text
	if !strings.Contains(card, "1. <b>Sportello Donne Insieme – Cusano Milanino</b>, Cusano Milanino") {
		t.Errorf("the woman does not find the new centre:\n%s", card)
	}

	foreign := append(append([]byte(nil), edited...), strings.ReplaceAll(strings.ReplaceAll(newCentre, "amaranta-cusano", "arca-x"), `network = "amaranta"`, `network = "arca"`)...)
	api.Document(volunteer, "it", "directory.toml", foreign)
	if got := waitChat(t, api, volunteer, 6)[5].Text; !strings.Contains(got, "non è valido") ||
		!strings.Contains(got, "· centro «arca-x» · network «arca»: ") || !strings.Contains(got, "riga ") {
		t.Errorf("a file touching another network: %q", got)
	}
	api.Document(her, "it", "directory.toml", edited)
	if got := waitChat(t, api, her, 4)[3].Text; !strings.Contains(got, "nessuno legge questa chat") {
		t.Errorf("a woman sending a file: %q", got)
	}
	// Her file was never fetched: only the volunteer's two were.
	if n := api.Calls("getFile"); n != 2 {
		t.Errorf("getFile called %d times, want 2 (the volunteer's files only)", n)
	}
}

// TestRepairStoredDirectory: a stored directory that this version no
// longer accepts (an id longer than ids may now be) stops the bot with
// the way out, and that way out works: export, fix, import.
func TestRepairStoredDirectory(t *testing.T) {
	dataDir := newDataDir(t)
	data := dirfile.Sample()
	long := strings.Repeat("x", directory.MaxIDLen+5)
	data.Centres[0].ID = long
	db := openDataStore(t, dataDir)
	if err := db.SaveDirectory(context.Background(), data); err != nil {
		t.Fatal(err)
	}
	db.Close()
	env := map[string]string{"FRONTDOOR_DATA": dataDir, "FRONTDOOR_HTTP": "off", "FRONTDOOR_TELEGRAM_TOKEN": testToken,
		"FRONTDOOR_TELEGRAM_API": telegramtest.New(t, testToken).Endpoint()}
	if code, _, errs := runMain(t, env, ""); code == 0 || !strings.Contains(errs, "frontdoor directory export FILE") || strings.Contains(errs, "dir.id_too_long") {
		t.Fatalf("start with a stored directory no longer valid: exit %d, %q", code, errs)
	}
	file := filepath.Join(t.TempDir(), "directory.toml")
	if code, _, errs := runMain(t, env, "", "directory", "export", file); code != 0 {
		t.Fatalf("export: exit %d, %q", code, errs)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.ReplaceAll(string(raw), long, "short-id")
	if err := os.WriteFile(file, []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runMain(t, env, "", "directory", "import", file); code != 0 {
		t.Fatalf("import of the fixed file: exit %d, %q", code, errs)
	}
	api := telegramtest.New(t, testToken)
	stop := startBot(t, api, dataDir)
	api.Command(42, "it", "start", "")
	waitChat(t, api, 42, 1)
	if code, logs := stop(); code != 0 {
		t.Fatalf("the bot after the fix: exit %d\n%s", code, logs)
	}
}
