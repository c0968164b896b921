package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// TestPosterForTheWeb: with --web the poster's code opens the web door on
// the network, and no bot name or token is needed; both at once is a
// mistake said in one sentence.
func TestPosterForTheWeb(t *testing.T) {
	dataDir := newDataDir(t)
	env := map[string]string{"FRONTDOOR_DATA": dataDir}
	out := filepath.Join(t.TempDir(), "poster.png")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"poster", "--web", "https://info.example.org/", "arca", out},
		func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("poster --web: %d %s", code, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil || res.GetText() != "https://info.example.org/?n=arca" {
		t.Errorf("the code reads %v, %v", res, err)
	}
	stderr.Reset()
	code = run(context.Background(), []string{"poster", "--web", "https://info.example.org/", "--bot", "x_bot", "arca", out},
		func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "not both") {
		t.Errorf("--web with --bot: %d %s", code, stderr.String())
	}
}
