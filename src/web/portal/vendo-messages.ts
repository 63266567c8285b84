/** The portal's coin-window wording (views/portal/_vendo.ejs), English and Filipino. */
import { registerMessages } from '../../i18n';

const en = {
  'vendo.title': 'Insert coins',
  'vendo.intro': 'No voucher? Pay with coins at the coin box.',
  'vendo.pick': 'Coin box',
  'vendo.start': 'Insert coin',
  'vendo.offline': 'not responding',
  'vendo.busy': 'in use',
  'vendo.drop': 'Drop your coins into {name} now.',
  'vendo.credit': 'Credit',
  'vendo.buys': 'Buys',
  'vendo.closes': 'The coin slot closes in {seconds} s; every coin restarts it.',
  'vendo.saved': 'You have {amount} saved from before; Done adds it.',
  'vendo.expired':
    'The coin slot closed. Your credit is saved for this device: tap Insert coin again, or Done.',
  'vendo.done': 'Done: connect',
  'vendo.demo': 'Demo: drop a coin',
  'vendo.working': 'Connecting…',
  'vendo.error.ROUTER_UNREACHABLE':
    'The internet service is not reachable right now. Your coins are kept for this phone: tap Done again in a minute.',
  'vendo.error.SAFE_MODE':
    'The hotspot is being set up by the shop. Your coins are kept for this phone; please ask the shop for help.',
};
const fil = {
  'vendo.title': 'Maghulog ng barya',
  'vendo.intro': 'Walang voucher? Magbayad ng barya sa coin box.',
  'vendo.pick': 'Coin box',
  'vendo.start': 'Maghulog ng barya',
  'vendo.offline': 'hindi sumasagot',
  'vendo.busy': 'may gumagamit',
  'vendo.drop': 'Ihulog na ang iyong barya sa {name}.',
  'vendo.credit': 'Credit',
  'vendo.buys': 'Katumbas',
  'vendo.closes': 'Magsasara ang hulugan sa loob ng {seconds} s; bawat barya ay nagre-reset nito.',
  'vendo.saved': 'May {amount} ka pang naka-save; idadagdag ito ng Tapos.',
  'vendo.expired':
    'Nagsara na ang hulugan. Naka-save ang iyong credit sa device na ito: pindutin muli ang Maghulog ng barya, o Tapos.',
  'vendo.done': 'Tapos: kumonekta',
  'vendo.demo': 'Demo: maghulog ng barya',
  'vendo.working': 'Kumokonekta…',
  'vendo.error.ROUTER_UNREACHABLE':
    'Hindi maabot ang internet service ngayon. Naka-save ang iyong barya para sa phone na ito: pindutin muli ang Tapos pagkalipas ng isang minuto.',
  'vendo.error.SAFE_MODE':
    'Inaayos pa ng tindahan ang hotspot. Naka-save ang iyong barya para sa phone na ito; humingi ng tulong sa tindahan.',
  'error.NO_CREDIT': 'Maghulog muna ng barya: wala pang credit na gagawing oras.',
  'error.VENDO_OTHER_SITE':
    'Para sa ibang WiFi hotspot ng shop ang coin box na ito. Gumamit ng coin box doon sa hotspot na kinokonektahan mo; ang naihulog mong barya ay naka-save pa rin para sa iyo.',
  'error.CREDIT_TOO_SMALL': 'Kulang pa ang credit para sa kahit anong oras; maghulog pa ng barya.',
  'error.VENDO_BUSY': 'May gumagamit ng coin box na ito ngayon. Subukan muli pagkalipas ng isang minuto.',
  'error.VENDO_OFFLINE':
    'Hindi sumasagot ang coin box na ito. Magtanong sa tindahan, o pumili ng ibang coin box.',
  'error.VENDO_DISABLED': 'Naka-off ang coin box na ito.',
  'error.VENDO_SESSION_NOT_FOUND':
    'Wala nang bukas na hulugan sa device na ito. Pindutin muli ang Maghulog ng barya.',
  'error.VENDO_SESSION_FINISHED': 'Tapos na ang hulugang ito; nasa voucher mo na ang oras.',
  'error.VENDO_SESSION_BUSY': 'Tinatapos na ang hulugang ito; sandali lang.',
};

registerMessages('en', en);
registerMessages('fil', fil);
