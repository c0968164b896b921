package dirfile

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecode checks that no input makes Decode panic, and that whatever it
// accepts survives Encode (with comments) and Decode unchanged, and is
// written again byte for byte.
func FuzzDecode(f *testing.F) {
	f.Add(string(sampleFile))
	if golden, err := os.ReadFile("testdata/sample.golden.toml"); err == nil {
		f.Add(string(golden))
	}
	f.Add(base)
	f.Add("")
	f.Add("sample = true\n[[centre]]\n[centre.hours]\nmon = [\"20:00-2:00\"]\n[[centre.closure]]\nfrom = 2026-12-24\n")
	f.Add("centre = [{id = \"x\", hours = {mon = [\"9-25\"]}, closure = [{from = \"x\"}]}]\n")
	f.Add("[[network]]\nid = \"a\"\n[[network]]\nid = \"a\"\n[[centre]]\nid = \"a\"\nnetwork = \"a\"\n[[centre]]\nid = \"a\"\n")
	f.Add("a = \"\"\"\n[[centre]]\n\"\"\"\nb = [\n'[', \"]\",\n]\n[x.y]\nz = {w = 1}\n")
	f.Fuzz(func(t *testing.T, src string) {
		d, err := Decode(strings.NewReader(src))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := EncodeCommented(&b, d, trickyComments); err != nil {
			t.Fatalf("Encode of decoded data: %v", err)
		}
		written := b.String()
		again, err := Decode(&b)
		if err != nil {
			t.Fatalf("decoding what Encode wrote: %v\n%s", err, written)
		}
		if !reflect.DeepEqual(again, d) {
			t.Fatalf("round trip changed the directory\n got %+v\nwant %+v", again, d)
		}
		var b2 bytes.Buffer
		if err := EncodeCommented(&b2, again, trickyComments); err != nil || b2.String() != written {
			t.Fatalf("export, import, export differs (%v)", err)
		}
	})
}
