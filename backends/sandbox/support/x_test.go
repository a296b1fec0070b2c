package support
import "testing"
func TestShowDetails(t *testing.T){
	h := mounted(New(world(), Config{}))
	for _, b := range []string{`{"addresses":[{"city":5}]}`,`{"first_name":5,"emails":[{}],"x":1}`,`{"bank_accounts":{"swift":"X"}}`} {
		a := do(t,h,"POST",base,b); t.Log(string(a.raw))
	}
}
