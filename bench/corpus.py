#!/usr/bin/env python3
"""Generates the side-by-side bench's corpora from the Tuya order-details
response schema's own sample shapes (tests/fixtures/tuya.queryOrderDetails).

  corpus.py OUT_DIR [DOCUMENTS]

Writes, for DOCUMENTS documents (default 120,000, about 210 MB):
  valid.jsonl       one response body per line
  valid.ndjson      the same bodies in capture envelopes (operation named, status 200)
  valid.har         the same exchanges as a HAR, bodies as JSON strings (first 30,000)
  invalid.jsonl     5% of documents broken, one contract violation each
  invalid.ndjson    the same, in envelopes
  files/            the first 20,000 bodies as one file each (for peers that read files)
  tuya-response.schema.json   the schema, rooted at the response
"""
import json, os, random, sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 120_000
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..")
os.makedirs(os.path.join(out, "files"), exist_ok=True)
rng = random.Random(20261127)

schema = json.load(open(os.path.join(root, "schemas/tuya/query-order-details.schema.json")))
schema["$ref"] = "#/$defs/QueryOrderDetailsResponse"
json.dump(schema, open(os.path.join(out, "tuya-response.schema.json"), "w"), indent=1)

words = ["Blue", "Red", "Green", "Large", "Small", "Cotton", "Steel", "Nano", "Pro", "Max"]
cities = [("Louisville", "KY", "Kentucky"), ("Austin", "TX", "Texas"), ("Portland", "OR", "Oregon")]


def price():
    return rng.choice([rng.randint(1, 5000), f"{rng.randint(1, 5000)}.{rng.randint(0, 99):02d}"])


def when():
    if rng.random() < 0.5:
        return rng.randint(1_600_000_000_000, 1_700_000_000_000)
    return f"20{rng.randint(10, 25)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def address():
    city, code, province = rng.choice(cities)
    first, last = rng.choice(["Bob", "Ann", "Lee"]), rng.choice(["Norman", "Smith", "Chen"])
    return {
        "zip": f"{rng.randint(10000, 99999)}", "country": "United States",
        "address": f"{rng.randint(1, 999)} Chestnut Street", "city": city,
        "latitude": f"{rng.uniform(-89, 89):.5f}", "last_name": last, "province_code": code,
        "country_code": "US", "province": province, "phone": f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "name": f"{first} {last}", "first_name": first, "longitude": f"{rng.uniform(-179, 179):.4f}",
    }


def commodity():
    return {
        "image": f"https://images.example.com/{rng.randint(1, 10**6)}.png", "quantity": rng.randint(1, 9),
        "selected_options": [{"name": "Color", "value": rng.choice(words)} for _ in range(rng.randint(0, 2))],
        "available": rng.random() < 0.9, "weight": rng.randint(1, 2000),
        "title": " ".join(rng.choice(words) for _ in range(3)),
        "price": {"amount": price(), "currency": "USD"}, "id": rng.randint(1, 10**9),
        "sku": f"SKU{rng.randint(10**5, 10**6)}",
    }


def document(i):
    if i % 50 == 49:
        return {"success": False, "code": rng.choice([1010, 1106, 1109]), "msg": "token is expired",
                "t": rng.randint(1_600_000_000_000, 1_700_000_000_000)}
    return {
        "success": True, "t": rng.randint(1_600_000_000_000, 1_700_000_000_000), "tid": f"{rng.getrandbits(64):016x}",
        "result": {
            "created_time": when(), "subtotal_price": price(), "canceled_time": when(), "total_price": price(),
            "shop_code": f"shop{rng.randint(1, 500)}",
            "delivery_list": [{"logistics_no": f"1Z{rng.randint(10**5, 10**6)}",
                               "logistics_url": f"https://tools.usps.com/go/Track?n={rng.randint(1, 10**9)}",
                               "logistics_company": rng.choice(["USPS", "UPS", "FedEx"])}
                              for _ in range(rng.randint(0, 2))],
            "total_tax_price": price(), "billing_address": address(), "total_shipping_price": price(),
            "commodity_list": [commodity() for _ in range(rng.randint(1, 4))],
            "pay_status": rng.choice(["paid", "unpaid", "refunded"]),
            "cancel_reason": "The reason for canceling a specified order", "mall_code": f"mall{rng.randint(1, 50)}",
            "current_total_price": price(), "currency": "USD", "shipping_address": address(),
            "order_id": f"{rng.randint(10**11, 10**12)}", "delivery_status": rng.choice(["shipped", "pending"]),
        },
    }


def broken(doc):
    """One violation: a type, a pattern, a required field, a bound."""
    kind = rng.randrange(4)
    if not doc["success"]:
        doc["t"] = 12345
    elif kind == 0:
        doc["result"]["commodity_list"][0]["quantity"] = "two"
    elif kind == 1:
        doc["result"]["billing_address"]["latitude"] = "north"
    elif kind == 2:
        del doc["result"]["order_id"]
    else:
        doc["t"] = 99
    return doc


def envelope(body):
    return '{"operation":"tuya.queryOrderDetails","response":{"status":200,"body":' + body + "}}"


with open(os.path.join(out, "valid.jsonl"), "w") as vj, open(os.path.join(out, "valid.ndjson"), "w") as vn, \
        open(os.path.join(out, "invalid.jsonl"), "w") as ij, open(os.path.join(out, "invalid.ndjson"), "w") as inv:
    entries = []
    for i in range(count):
        doc = document(i)
        body = json.dumps(doc, separators=(",", ":"))
        vj.write(body + "\n")
        vn.write(envelope(body) + "\n")
        bad = json.dumps(broken(doc), separators=(",", ":")) if rng.random() < 0.05 else body
        ij.write(bad + "\n")
        inv.write(envelope(bad) + "\n")
        if i < 20_000:
            with open(os.path.join(out, "files", f"{i:05d}.json"), "w") as f:
                f.write(body)
        if i < 30_000:
            entries.append({
                "startedDateTime": "2026-11-27T00:00:00Z", "time": 1,
                "request": {"method": "GET", "url": f"https://openapi.tuyaus.com/v1.0/mall/plugin/order/{i}?mall_code=m&shop_code=s&user_id=u",
                            "httpVersion": "HTTP/1.1", "queryString": [],
                            "headers": [{"name": n, "value": v} for n, v in [("client_id", "c1"), ("access_token", "tok"), ("sign", "0123456789abcdef" * 4), ("t", "1662019200000"), ("sign_method", "HMAC-SHA256")]], "cookies": [], "headersSize": -1, "bodySize": 0},
                "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [],
                             "headers": [{"name": "Content-Type", "value": "application/json"}],
                             "content": {"size": len(body), "mimeType": "application/json", "text": body},
                             "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
                "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0},
            })
    json.dump({"log": {"version": "1.2", "creator": {"name": "accord-bench", "version": "1"}, "entries": entries}},
              open(os.path.join(out, "valid.har"), "w"))
# The HAR's exchanges as NDJSON envelopes (same requests, headers and bodies).
with open(os.path.join(out, "har-same.ndjson"), "w") as dst:
    for e in entries:
        request = {"method": e["request"]["method"], "url": e["request"]["url"],
                   "headers": {h["name"]: h["value"] for h in e["request"]["headers"]}}
        dst.write('{"request":' + json.dumps(request, separators=(",", ":")) + ',"response":{"status":200,'
                  '"headers":{"Content-Type":"application/json"},"body":' + e["response"]["content"]["text"] + "}}\n")
print(f"{count} documents in {out}")
