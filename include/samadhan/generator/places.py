"""Names the generator draws from: discoms, zones and their districts, places, people.

Unit names are Devanagari, as the billing systems print them. Person and place names come as
(Devanagari, Latin) pairs so that a consumer's name and address can be written in either script.
NOTE: the zone list and the districts under each zone follow UPPCL's 2021 organisation as far
as public reports show it; a zone's exact districts are an approximation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Discom:
    code: str
    name: str  # Devanagari
    share: float  # share of the state's consumers


@dataclass(frozen=True)
class Zone:
    discom_code: str
    code: str
    name: str  # Devanagari, "... क्षेत्र"
    districts: tuple[tuple[str, str], ...]  # (Devanagari, Latin) district names, the circles' seats
    urban_share: float  # share of the zone's beats that are urban


DISCOMS = (
    Discom("D1", "मध्यांचल विद्युत वितरण निगम लि0", 0.25),
    Discom("D2", "पूर्वांचल विद्युत वितरण निगम लि0", 0.32),
    Discom("D3", "पश्चिमांचल विद्युत वितरण निगम लि0", 0.25),
    Discom("D4", "दक्षिणांचल विद्युत वितरण निगम लि0", 0.15),
    Discom("D5", "कानपुर इलेक्ट्रिसिटी सप्लाई कम्पनी लि0 (केस्को)", 0.03),
)

ZONES = (
    # Madhyanchal, Lucknow
    Zone("D1", "Z101", "लखनऊ क्षेत्र", (("लखनऊ", "Lucknow"), ("रायबरेली", "Raebareli"), ("उन्नाव", "Unnao")), 0.6),
    Zone("D1", "Z102", "अयोध्या क्षेत्र", (
        ("अयोध्या", "Ayodhya"), ("सुल्तानपुर", "Sultanpur"), ("अम्बेडकरनगर", "Ambedkar Nagar"),
        ("बाराबंकी", "Barabanki"), ("अमेठी", "Amethi"),
    ), 0.2),
    Zone("D1", "Z103", "बरेली क्षेत्र", (
        ("बरेली", "Bareilly"), ("बदायूँ", "Budaun"), ("पीलीभीत", "Pilibhit"), ("शाहजहाँपुर", "Shahjahanpur"),
    ), 0.3),
    Zone("D1", "Z104", "लखीमपुर क्षेत्र", (
        ("लखीमपुर खीरी", "Lakhimpur Kheri"), ("सीतापुर", "Sitapur"), ("हरदोई", "Hardoi"),
    ), 0.15),
    Zone("D1", "Z105", "देवीपाटन क्षेत्र", (
        ("गोण्डा", "Gonda"), ("बहराइच", "Bahraich"), ("बलरामपुर", "Balrampur"), ("श्रावस्ती", "Shravasti"),
    ), 0.15),
    # Purvanchal, Varanasi
    Zone("D2", "Z201", "वाराणसी प्रथम क्षेत्र", (("वाराणसी", "Varanasi"), ("चन्दौली", "Chandauli")), 0.45),
    Zone("D2", "Z202", "वाराणसी द्वितीय क्षेत्र", (
        ("जौनपुर", "Jaunpur"), ("गाजीपुर", "Ghazipur"), ("भदोही", "Bhadohi"),
    ), 0.2),
    Zone("D2", "Z203", "प्रयागराज प्रथम क्षेत्र", (("प्रयागराज", "Prayagraj"),), 0.4),
    Zone("D2", "Z204", "प्रयागराज द्वितीय क्षेत्र", (
        ("प्रतापगढ़", "Pratapgarh"), ("कौशाम्बी", "Kaushambi"), ("फतेहपुर", "Fatehpur"),
    ), 0.15),
    Zone("D2", "Z205", "गोरखपुर प्रथम क्षेत्र", (
        ("गोरखपुर", "Gorakhpur"), ("महराजगंज", "Maharajganj"), ("कुशीनगर", "Kushinagar"),
    ), 0.3),
    Zone("D2", "Z206", "गोरखपुर द्वितीय क्षेत्र", (
        ("देवरिया", "Deoria"), ("बस्ती", "Basti"), ("सिद्धार्थनगर", "Siddharthnagar"),
        ("संत कबीर नगर", "Sant Kabir Nagar"),
    ), 0.15),
    Zone("D2", "Z207", "आजमगढ़ क्षेत्र", (("आजमगढ़", "Azamgarh"), ("मऊ", "Mau"), ("बलिया", "Ballia")), 0.15),
    Zone("D2", "Z208", "मिर्जापुर क्षेत्र", (("मिर्जापुर", "Mirzapur"), ("सोनभद्र", "Sonbhadra")), 0.15),
    # Paschimanchal, Meerut
    Zone("D3", "Z301", "मेरठ प्रथम क्षेत्र", (("मेरठ", "Meerut"), ("बागपत", "Baghpat")), 0.45),
    Zone("D3", "Z302", "मेरठ द्वितीय क्षेत्र", (
        ("मुजफ्फरनगर", "Muzaffarnagar"), ("शामली", "Shamli"), ("बुलन्दशहर", "Bulandshahr"),
    ), 0.25),
    Zone("D3", "Z303", "गाजियाबाद क्षेत्र", (("गाजियाबाद", "Ghaziabad"), ("हापुड़", "Hapur")), 0.6),
    Zone("D3", "Z304", "नोएडा क्षेत्र", (("गौतमबुद्धनगर", "Gautam Buddh Nagar"),), 0.7),
    Zone("D3", "Z305", "सहारनपुर क्षेत्र", (("सहारनपुर", "Saharanpur"), ("बिजनौर", "Bijnor")), 0.25),
    Zone("D3", "Z306", "मुरादाबाद क्षेत्र", (
        ("मुरादाबाद", "Moradabad"), ("रामपुर", "Rampur"), ("अमरोहा", "Amroha"), ("सम्भल", "Sambhal"),
    ), 0.3),
    # Dakshinanchal, Agra
    Zone("D4", "Z401", "आगरा क्षेत्र", (("आगरा", "Agra"), ("फिरोजाबाद", "Firozabad"), ("मैनपुरी", "Mainpuri")), 0.4),
    Zone("D4", "Z402", "अलीगढ़ क्षेत्र", (
        ("अलीगढ़", "Aligarh"), ("मथुरा", "Mathura"), ("एटा", "Etah"), ("कासगंज", "Kasganj"), ("हाथरस", "Hathras"),
    ), 0.25),
    Zone("D4", "Z403", "झाँसी क्षेत्र", (("झाँसी", "Jhansi"), ("ललितपुर", "Lalitpur"), ("जालौन", "Jalaun")), 0.3),
    Zone("D4", "Z404", "कानपुर क्षेत्र", (
        ("कानपुर देहात", "Kanpur Dehat"), ("इटावा", "Etawah"), ("औरैया", "Auraiya"), ("कन्नौज", "Kannauj"),
        ("फर्रुखाबाद", "Farrukhabad"),
    ), 0.15),
    Zone("D4", "Z405", "बाँदा क्षेत्र", (
        ("बाँदा", "Banda"), ("चित्रकूट", "Chitrakoot"), ("हमीरपुर", "Hamirpur"), ("महोबा", "Mahoba"),
    ), 0.15),
    # KESCO, Kanpur
    Zone("D5", "Z501", "केस्को कानपुर क्षेत्र", (("कानपुर नगर", "Kanpur Nagar"),), 0.95),
)

# Ordinal words that tell apart the circles, divisions and sub-divisions of one town.
ORDINALS = ("प्रथम", "द्वितीय", "तृतीय", "चतुर्थ", "पंचम", "षष्ठम", "सप्तम", "अष्टम", "नवम", "दशम")

# Place names are built from a first part and an ending, in both scripts.
PLACE_STARTS = (
    ("राम", "Ram"), ("शिव", "Shiv"), ("सीता", "Sita"), ("कृष्ण", "Krishna"), ("गोपाल", "Gopal"),
    ("हनुमान", "Hanuman"), ("महादेव", "Mahadev"), ("मोती", "Moti"), ("लाल", "Lal"), ("चन्द्र", "Chandra"),
    ("सुल्तान", "Sultan"), ("अकबर", "Akbar"), ("नवाब", "Nawab"), ("माधव", "Madhav"), ("गौरी", "Gauri"),
    ("कमला", "Kamla"), ("विष्णु", "Vishnu"), ("भवानी", "Bhawani"), ("दुर्गा", "Durga"), ("सूरज", "Suraj"),
    ("बेला", "Bela"), ("चाँद", "Chand"), ("हसन", "Hasan"), ("मीरा", "Meera"), ("गंगा", "Ganga"),
    ("जमुना", "Jamuna"), ("सरोज", "Saroj"), ("केशव", "Keshav"), ("बलदेव", "Baldev"), ("नारायण", "Narayan"),
    ("रतन", "Ratan"), ("हीरा", "Hira"), ("पीपल", "Peepal"), ("आम", "Aam"), ("बरगद", "Bargad"),
    ("नील", "Neel"), ("धर्म", "Dharm"), ("इन्द्र", "Indra"), ("लक्ष्मण", "Lakshman"), ("भरत", "Bharat"),
)
PLACE_ENDINGS = (
    ("पुर", "pur"), ("गंज", "ganj"), ("नगर", "nagar"), ("खेड़ा", "kheda"), ("गाँव", "gaon"),
    ("पुरवा", "purwa"), ("गढ़", "garh"), ("बाग", "bagh"), ("टोला", "tola"), ("डीह", "deeh"),
    ("पुरी", "puri"), ("बाद", "bad"),
)

MALE_FIRST = (
    ("राम प्रसाद", "Ram Prasad"), ("श्याम लाल", "Shyam Lal"), ("मोहन", "Mohan"), ("सोहन लाल", "Sohan Lal"),
    ("राजेश", "Rajesh"), ("सुरेश", "Suresh"), ("रमेश चन्द्र", "Ramesh Chandra"), ("दिनेश", "Dinesh"),
    ("महेश", "Mahesh"), ("अनिल", "Anil"), ("सुनील", "Sunil"), ("विजय", "Vijay"), ("अजय", "Ajay"),
    ("संजय", "Sanjay"), ("राकेश", "Rakesh"), ("मुकेश", "Mukesh"), ("प्रमोद", "Pramod"), ("विनोद", "Vinod"),
    ("अशोक", "Ashok"), ("शिव कुमार", "Shiv Kumar"), ("राम कुमार", "Ram Kumar"), ("हरि प्रसाद", "Hari Prasad"),
    ("जगदीश", "Jagdish"), ("ओम प्रकाश", "Om Prakash"), ("राधे श्याम", "Radhey Shyam"), ("कल्लू", "Kallu"),
    ("मोहम्मद इस्लाम", "Mohd. Islam"), ("अब्दुल रहीम", "Abdul Rahim"), ("इरफान", "Irfan"), ("सलीम", "Salim"),
    ("रफीक", "Rafiq"), ("जावेद", "Javed"), ("बृजेश", "Brijesh"), ("पप्पू", "Pappu"), ("गुड्डू", "Guddu"),
    ("चन्द्रभान", "Chandrabhan"), ("रामसेवक", "Ramsevak"), ("भगवान दीन", "Bhagwan Deen"),
)
FEMALE_FIRST = (
    ("सीता देवी", "Sita Devi"), ("गीता देवी", "Geeta Devi"), ("सुनीता", "Sunita"), ("अनीता", "Anita"),
    ("कमला देवी", "Kamla Devi"), ("शान्ति देवी", "Shanti Devi"), ("सावित्री", "Savitri"), ("उर्मिला", "Urmila"),
    ("पुष्पा", "Pushpa"), ("रेखा", "Rekha"), ("मीना", "Meena"), ("सुमन", "Suman"), ("नसीम बानो", "Naseem Bano"),
    ("शबनम", "Shabnam"), ("रुबीना", "Rubina"), ("रामकली", "Ramkali"), ("फूलमती", "Phoolmati"),
    ("राजकुमारी", "Rajkumari"), ("किरन", "Kiran"), ("ममता", "Mamta"),
)
SURNAMES = (
    ("यादव", "Yadav"), ("वर्मा", "Verma"), ("शर्मा", "Sharma"), ("सिंह", "Singh"), ("गुप्ता", "Gupta"),
    ("मौर्य", "Maurya"), ("पाल", "Pal"), ("कुशवाहा", "Kushwaha"), ("पटेल", "Patel"), ("तिवारी", "Tiwari"),
    ("मिश्रा", "Mishra"), ("पाण्डेय", "Pandey"), ("शुक्ला", "Shukla"), ("श्रीवास्तव", "Srivastava"),
    ("दुबे", "Dubey"), ("चौहान", "Chauhan"), ("निषाद", "Nishad"), ("प्रजापति", "Prajapati"),
    ("कश्यप", "Kashyap"), ("गौतम", "Gautam"), ("सोनकर", "Sonkar"), ("रावत", "Rawat"), ("खान", "Khan"),
    ("अंसारी", "Ansari"), ("कुरैशी", "Qureshi"), ("सिद्दीकी", "Siddiqui"), ("अहमद", "Ahmad"),
    ("जायसवाल", "Jaiswal"), ("अग्रवाल", "Agarwal"), ("त्रिपाठी", "Tripathi"), ("चौधरी", "Chaudhary"),
    ("भारती", "Bharti"), ("राठौर", "Rathore"), ("लोधी", "Lodhi"), ("कनौजिया", "Kanaujia"),
)

# Landmarks put in quotes inside an address, as counter clerks type them.
LANDMARKS = (
    ("शिव मन्दिर", "Shiv Mandir"), ("बड़ी मस्जिद", "Badi Masjid"), ("पानी की टंकी", "Pani Ki Tanki"),
    ("प्राथमिक विद्यालय", "Primary School"), ("पुराना थाना", "Purana Thana"), ("बिजली घर", "Bijli Ghar"),
)
