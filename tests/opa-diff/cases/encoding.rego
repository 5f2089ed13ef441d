package diff.encoding

import rego.v1

base64_encoded := base64.encode(input.text)

base64_roundtrip := base64.decode(base64.encode(input.text))

base64_decoded := base64.decode(input.code)

base64_valid := base64.is_valid(input.code)

base64url_encoded := base64url.encode(input.text)

base64url_unpadded := base64url.encode_no_pad(input.text)

hex_encoded := hex.encode(input.text)

hex_roundtrip := hex.decode(hex.encode(input.text))

url_encoded := urlquery.encode(input.text)

url_decoded := urlquery.decode(urlquery.encode(input.text))

url_object := urlquery.encode_object({"q": input.text, "list": ["a", "b"]})

url_object_back := urlquery.decode_object(urlquery.encode_object({"q": input.text}))

json_text := json.marshal({"text": input.text, "n": 1.5})

json_back := json.unmarshal(json.marshal({"text": input.text}))

json_valid := json.is_valid(input.code)

yaml_text := yaml.marshal({"text": input.text})

yaml_back := yaml.unmarshal(yaml.marshal({"text": input.text, "list": [1, "2"]}))

yaml_valid := yaml.is_valid(input.code)
