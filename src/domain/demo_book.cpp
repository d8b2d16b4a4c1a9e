#include "domain/demo_book.hpp"

#include "domain/demo.hpp"
#include "domain/json.hpp"

namespace cockpit {

// One customer per seed story, plus a few ordinary ones so the lists have a shape:
//   c-bike     two exceptions waiting on departments, a passed delivery date, ten
//              identical order confirmations and an eleventh about to go (seed 000)
//   c-wardrobe a wrong part shipped again; the replacement date slipped twice, the
//              second time without telling her (seed 001)
//   c-fairy    a review request about to go before the parcel arrived (seed 002)
//   c-kitcar   a former customer about to get a renewal and a charge (seed 003)
//   c-tradein  trade-in papers held, the payment date already moved once (seed 004)
std::string_view demo_document_text() {
  return R"json({
"managers": [
 {"id":"m-lena","name":"Lena Hartmann","email":"lena.hartmann@example.com","role":"lead"},
 {"id":"m-anna","name":"Anna Berger","email":"anna.berger@example.com","role":"manager"},
 {"id":"m-ben","name":"Ben Okafor","email":"ben.okafor@example.com","role":"manager"}
],
"customers": [
 {"id":"c-bike","name":"Marco Rossi (Domino srl)","owner":"m-anna","stage":"active","email":"marco.rossi@domino.example","phone":"+39 02 555 0147","preferred_channel":"email","since":"@-40d"},
 {"id":"c-wardrobe","name":"Helen Carter","owner":"m-anna","stage":"active","email":"helen.carter@example.com","phone":"+44 161 555 0192","preferred_channel":"phone","since":"@-60d"},
 {"id":"c-fairy","name":"Sofie Janssen","owner":"m-anna","stage":"active","email":"sofie.janssen@example.com","phone":"+31 20 555 0114","preferred_channel":"email","since":"@-3d"},
 {"id":"c-kitcar","name":"Peter Hughes","owner":"m-anna","stage":"former","email":"peter.hughes@example.com","phone":"+44 1625 555 013","preferred_channel":"email","since":"@-1500d","former_at":"@-335d"},
 {"id":"c-tradein","name":"Laura Fernández","owner":"m-anna","stage":"active","email":"laura.fernandez@example.com","phone":"+34 91 555 0163","preferred_channel":"phone","since":"@-9d"},
 {"id":"c-hoffmann","name":"Hoffmann GmbH","owner":"m-anna","stage":"active","email":"einkauf@hoffmann.example","phone":"+49 89 555 0120","preferred_channel":"email","since":"@-700d"},
 {"id":"c-nordlicht","name":"Nordlicht AG","owner":"m-anna","stage":"prospect","email":"info@nordlicht.example","phone":"+49 40 555 0188","preferred_channel":"email","since":"@-12d"},
 {"id":"c-weber","name":"Jonas Weber","owner":"m-anna","stage":"active","email":"jonas.weber@example.com","phone":"","preferred_channel":"sms","since":"@-300d"},
 {"id":"c-bakery","name":"Bäckerei Sommer","owner":"m-ben","stage":"active","email":"info@baeckerei-sommer.example","phone":"+49 30 555 0175","preferred_channel":"phone","since":"@-200d"},
 {"id":"c-lind","name":"Sara Lind","owner":"m-ben","stage":"former","email":"sara.lind@example.com","phone":"","preferred_channel":"email","since":"@-400d","former_at":"@-1d"},
 {"id":"c-kaya","name":"Kaya Bau","owner":"m-ben","stage":"active","email":"office@kaya-bau.example","phone":"+49 221 555 0133","preferred_channel":"email","since":"@-90d"},
 {"id":"c-novak","name":"Petr Novák","owner":"m-ben","stage":"active","email":"petr.novak@example.com","phone":"","preferred_channel":"email","since":"@-30d"},
 {"id":"c-atlas","name":"Atlas Reisen","owner":"m-lena","stage":"active","email":"team@atlas-reisen.example","phone":"+49 69 555 0101","preferred_channel":"email","since":"@-500d"}
],
"cases": [
 {"id":"k-bike","customer":"c-bike","kind":"order","title":"Grail CF SL company bike","status":"open","opened_at":"@-28d 10:00"},
 {"id":"k-wardrobe","customer":"c-wardrobe","kind":"order","title":"Fitted wardrobe (8 deliveries)","status":"open","opened_at":"@-45d 11:00"},
 {"id":"k-fairy","customer":"c-fairy","kind":"order","title":"Spring fairy costume and hairband","status":"open","opened_at":"@-3d 20:15"},
 {"id":"k-policy","customer":"c-kitcar","kind":"policy","title":"Kit car insurance KC-20931","status":"cancelled","opened_at":"@-1500d"},
 {"id":"k-newcar","customer":"c-tradein","kind":"order","title":"New Tiguan, metallic grey","status":"open","opened_at":"@-7d 15:00"},
 {"id":"k-tradein","customer":"c-tradein","kind":"trade_in","title":"Trade-in of the old SUV","status":"open","opened_at":"@-7d 15:30"},
 {"id":"k-chairs","customer":"c-hoffmann","kind":"order","title":"24 office chairs","status":"fulfilled","opened_at":"@-20d","fulfilled_at":"@-2d 14:00"},
 {"id":"k-quote","customer":"c-nordlicht","kind":"quote","title":"Quotation: fleet of 12 e-bikes","status":"open","opened_at":"@-10d"},
 {"id":"k-bread","customer":"c-bakery","kind":"order","title":"Two deck ovens","status":"open","opened_at":"@-30d"},
 {"id":"k-lind","customer":"c-lind","kind":"policy","title":"Home contents policy","status":"cancelled","opened_at":"@-400d"},
 {"id":"k-kaya","customer":"c-kaya","kind":"order","title":"Scaffolding rental, phase 2","status":"open","opened_at":"@-14d"},
 {"id":"k-novak","customer":"c-novak","kind":"order","title":"Espresso machine","status":"fulfilled","opened_at":"@-30d","fulfilled_at":"@-20d"},
 {"id":"k-atlas","customer":"c-atlas","kind":"quote","title":"Group trip, spring","status":"open","opened_at":"@-5d"}
],
"promises": [
 {"id":"p-bike","customer":"c-bike","case":"k-bike","kind":"delivery","text":"Delivery of the Grail CF SL","made_at":"@-28d 10:00","due_at":"@-8d 18:00","status":"open"},
 {"id":"p-hinges","customer":"c-wardrobe","case":"k-wardrobe","kind":"delivery","text":"Correct hinge set delivered","made_at":"@-20d","due_at":"@+1d 18:00","status":"open",
  "history":[{"due_at":"@-10d 18:00","changed_at":"@-11d","customer_told":true},{"due_at":"@-2d 18:00","changed_at":"@-3d","customer_told":false}]},
 {"id":"p-fairy","customer":"c-fairy","case":"k-fairy","kind":"delivery","text":"Costume delivered before Friday's school party","made_at":"@-3d 20:15","due_at":"@+1d 18:00","status":"open"},
 {"id":"p-payout","customer":"c-tradein","case":"k-tradein","kind":"payment","text":"Trade-in payment of 18,400 €","made_at":"@-7d 15:30","due_at":"@-1d 17:00","status":"open",
  "history":[{"due_at":"@-2d 17:00","changed_at":"@-4d","customer_told":true}]},
 {"id":"p-papers","customer":"c-tradein","case":"k-tradein","kind":"document","text":"Vehicle papers returned","made_at":"@-7d 15:30","due_at":"@+6d 17:00","status":"open"},
 {"id":"p-chairs","customer":"c-hoffmann","case":"k-chairs","kind":"delivery","text":"Chairs delivered and assembled","made_at":"@-20d","due_at":"@-2d 18:00","status":"kept","kept_at":"@-2d 14:00"},
 {"id":"p-call","customer":"c-nordlicht","case":"k-quote","kind":"callback","text":"Call back with the revised quotation","made_at":"@-3d","due_at":"@+3d 12:00","status":"open"},
 {"id":"p-ovens","customer":"c-bakery","case":"k-bread","kind":"delivery","text":"Second oven delivered","made_at":"@-30d","due_at":"@-3d 18:00","status":"open"},
 {"id":"p-refund","customer":"c-lind","case":"k-lind","kind":"refund","text":"Refund of the unused premium","made_at":"@-1d","due_at":"@+10d","status":"open"},
 {"id":"p-kaya","customer":"c-kaya","case":"k-kaya","kind":"delivery","text":"Scaffolding on site for phase 2","made_at":"@-14d","due_at":"@+1d 07:00","status":"open"}
],
"exceptions": [
 {"id":"x-ship","customer":"c-bike","case":"k-bike","kind":"address_change","summary":"Ship to the registered office, not an operating site","raised_at":"@-26d 10:00","waiting_on":"logistics","status":"open"},
 {"id":"x-pay","customer":"c-bike","case":"k-bike","kind":"payment_method","summary":"Payment re-issued by bank transfer instead of PayPal","raised_at":"@-25d 10:00","waiting_on":"billing","status":"open"},
 {"id":"x-wrong","customer":"c-wardrobe","case":"k-wardrobe","kind":"wrong_item","summary":"Wrong hinge set shipped again (third time)","raised_at":"@-4d 09:00","waiting_on":"warehouse","status":"open"},
 {"id":"x-docs","customer":"c-tradein","case":"k-tradein","kind":"documents_held","summary":"SUV papers held until the trade-in is paid out","raised_at":"@-7d 16:00","waiting_on":"used-car desk","status":"open"},
 {"id":"x-split","customer":"c-bakery","case":"k-bread","kind":"split_delivery","summary":"Ovens split over two deliveries","raised_at":"@-15d","waiting_on":"logistics","status":"open"}
],
"touchpoints": [
 {"id":"t-bike-oc01","customer":"c-bike","case":"k-bike","at":"@-28d 10:05","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-oc02","customer":"c-bike","case":"k-bike","at":"@-27d 09:00","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-oc03","customer":"c-bike","case":"k-bike","at":"@-26d 11:00","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-oc04","customer":"c-bike","case":"k-bike","at":"@-25d 11:00","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-oc05","customer":"c-bike","case":"k-bike","at":"@-24d 08:30","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-oc06","customer":"c-bike","case":"k-bike","at":"@-22d 08:30","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-oc07","customer":"c-bike","case":"k-bike","at":"@-20d 08:30","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-oc08","customer":"c-bike","case":"k-bike","at":"@-18d 08:30","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-oc09","customer":"c-bike","case":"k-bike","at":"@-16d 08:30","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-oc10","customer":"c-bike","case":"k-bike","at":"@-14d 08:30","channel":"email","direction":"out","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"t-bike-q1","customer":"c-bike","case":"k-bike","at":"@-10d 09:12","channel":"email","direction":"in","sender":"customer","kind":"question","subject":"Any news on the delivery?"},
 {"id":"t-bike-q2","customer":"c-bike","case":"k-bike","at":"@-3d 17:40","channel":"phone","direction":"in","sender":"customer","kind":"complaint","subject":"Where is my bike? Nobody tells me anything"},
 {"id":"t-ward-1","customer":"c-wardrobe","case":"k-wardrobe","at":"@-40d","channel":"sms","direction":"out","sender":"system:yodel","kind":"status_update","subject":"Your delivery is today, 7:00-19:00"},
 {"id":"t-ward-2","customer":"c-wardrobe","case":"k-wardrobe","at":"@-12d","channel":"sms","direction":"out","sender":"system:yodel","kind":"status_update","subject":"Your delivery is today, 7:00-19:00"},
 {"id":"t-ward-3","customer":"c-wardrobe","case":"k-wardrobe","at":"@-11d 10:00","channel":"phone","direction":"out","sender":"m-anna","kind":"apology","subject":"Hinges: new date agreed","body":"Called Helen: the wrong hinges came again; new date agreed."},
 {"id":"t-ward-4","customer":"c-wardrobe","case":"k-wardrobe","at":"@-4d 08:40","channel":"phone","direction":"in","sender":"customer","kind":"complaint","subject":"Third wrong hinge set"},
 {"id":"t-fairy-oc","customer":"c-fairy","case":"k-fairy","at":"@-3d 20:16","channel":"email","direction":"out","sender":"system:shop","kind":"order_confirmation","subject":"Thank you for your order 88213"},
 {"id":"t-kit-cancel","customer":"c-kitcar","case":"k-policy","at":"@-336d","channel":"letter","direction":"out","sender":"system:policy","kind":"cancellation_confirmation","subject":"Your policy KC-20931 is cancelled"},
 {"id":"t-kit-anna","customer":"c-kitcar","case":"k-policy","at":"@-334d","channel":"email","direction":"out","sender":"m-anna","kind":"other","subject":"Your cancellation and refund","body":"Confirmed the cancellation and the refund of the unused premium."},
 {"id":"t-trade-1","customer":"c-tradein","case":"k-tradein","at":"@-4d 11:00","channel":"phone","direction":"out","sender":"m-anna","kind":"status_update","subject":"Trade-in payment moves by one day"},
 {"id":"t-trade-2","customer":"c-tradein","case":"k-newcar","at":"@-7d 15:40","channel":"email","direction":"out","sender":"system:dealer","kind":"order_confirmation","subject":"Your new Tiguan is ordered"},
 {"id":"t-chairs-1","customer":"c-hoffmann","case":"k-chairs","at":"@-2d 14:05","channel":"email","direction":"out","sender":"system:shop","kind":"status_update","subject":"Delivered: 24 office chairs"},
 {"id":"t-nord-1","customer":"c-nordlicht","case":"k-quote","at":"@-3d","channel":"phone","direction":"out","sender":"m-anna","kind":"question","subject":"First call about the fleet"},
 {"id":"t-weber-1","customer":"c-weber","at":"@-6d","channel":"sms","direction":"out","sender":"m-anna","kind":"other","subject":"Service appointment confirmed"},
 {"id":"t-bread-1","customer":"c-bakery","case":"k-bread","at":"@-15d","channel":"phone","direction":"out","sender":"m-ben","kind":"status_update","subject":"Ovens come in two deliveries"},
 {"id":"t-lind-1","customer":"c-lind","case":"k-lind","at":"@-1d 09:00","channel":"email","direction":"out","sender":"system:policy","kind":"cancellation_confirmation","subject":"Your home contents policy is cancelled"},
 {"id":"t-kaya-1","customer":"c-kaya","case":"k-kaya","at":"@-2d","channel":"email","direction":"out","sender":"m-ben","kind":"status_update","subject":"Phase 2 scaffolding: on schedule"},
 {"id":"t-novak-1","customer":"c-novak","at":"@-10h","channel":"email","direction":"out","sender":"system:crm","kind":"marketing","subject":"Coffee beans: 20% off this week"},
 {"id":"t-novak-2","customer":"c-novak","at":"@-6h","channel":"email","direction":"out","sender":"system:crm","kind":"marketing","subject":"Descaling made easy"},
 {"id":"t-novak-3","customer":"c-novak","case":"k-novak","at":"@-3h","channel":"email","direction":"out","sender":"system:shop","kind":"review_request","subject":"How is your espresso machine?"},
 {"id":"t-novak-4","customer":"c-novak","case":"k-novak","at":"@-19d","channel":"phone","direction":"out","sender":"m-ben","kind":"status_update","subject":"Installed and working"},
 {"id":"t-atlas-1","customer":"c-atlas","case":"k-atlas","at":"@-2d","channel":"email","direction":"out","sender":"m-lena","kind":"other","subject":"Your quotation for the spring trip"}
],
"scheduled": [
 {"id":"s-bike-oc11","customer":"c-bike","case":"k-bike","scheduled_at":"@+2h","channel":"email","sender":"system:noreply","kind":"order_confirmation","subject":"Your order 4711 is confirmed"},
 {"id":"s-bike-mkt","customer":"c-bike","scheduled_at":"@+1d 09:00","channel":"email","sender":"system:crm","kind":"marketing","subject":"Spring ride weekend: 15% off accessories"},
 {"id":"s-fairy-review","customer":"c-fairy","case":"k-fairy","scheduled_at":"@+3h","channel":"email","sender":"system:shop","kind":"review_request","subject":"How did we do? Rate your order 88213"},
 {"id":"s-kit-renewal","customer":"c-kitcar","case":"k-policy","scheduled_at":"@+1d 06:00","channel":"email","sender":"system:policy","kind":"renewal_notice","subject":"Your renewal: the premium will be collected on the 1st"},
 {"id":"s-lind-news","customer":"c-lind","scheduled_at":"@+2d 08:00","channel":"email","sender":"system:crm","kind":"marketing","subject":"Protect your home this winter"},
 {"id":"s-novak-mkt","customer":"c-novak","scheduled_at":"@+1h","channel":"email","sender":"system:crm","kind":"marketing","subject":"Milk frothers for your machine"},
 {"id":"s-kaya-status","customer":"c-kaya","case":"k-kaya","scheduled_at":"@+20h","channel":"email","sender":"system:erp","kind":"status_update","subject":"Delivery window for phase 2"}
]
})json";
}

Book demo_book_at(Time now) {
  auto text = resolve_relative_times(demo_document_text(), now);
  if (!text) return {};
  ParsedDocument doc = parse_document(*text);
  if (!doc.ok()) return {};
  return std::move(doc.book);
}

}  // namespace cockpit
