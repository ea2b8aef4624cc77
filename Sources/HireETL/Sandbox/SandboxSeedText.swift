/// A name as written and as plain ASCII letters for e-mail addresses.
struct SeedName: Sendable {
  var written: String
  var ascii: String

  init(_ written: String, _ ascii: String) {
    self.written = written
    self.ascii = ascii
  }
}

/// Given names and family names from one script or culture, so that generated people get a
/// matching pair.
struct SeedNameGroup: Sendable {
  var weight: Int
  var givenNames: [SeedName]
  var familyNames: [SeedName]
}

/// The invented text that seeded records are made of. Every name is common and paired at
/// random, e-mail domains are example.com and example.org, and phone numbers are in the
/// 555-0100 to 555-0199 range that North American numbering keeps for fiction.
///
/// The text is deliberately hard for importers and exporters: commas, quotes, apostrophes,
/// line breaks, HTML, emoji, and Greek, Cyrillic, CJK and Arabic script.
enum SandboxSeedText {
  static let nameGroups: [SeedNameGroup] = [
    SeedNameGroup(
      weight: 40,
      givenNames: [
        SeedName("Maria", "maria"), SeedName("James", "james"), SeedName("Sofia", "sofia"),
        SeedName("Liam", "liam"), SeedName("Chloé", "chloe"), SeedName("José", "jose"),
        SeedName("Zoë", "zoe"), SeedName("Björn", "bjorn"), SeedName("Siobhán", "siobhan"),
        SeedName("François", "francois"), SeedName("Łukasz", "lukasz"), SeedName("Amara", "amara"),
        SeedName("Priya", "priya"), SeedName("Mateo", "mateo"), SeedName("Ingrid", "ingrid"),
        SeedName("Kwame", "kwame"),
      ],
      familyNames: [
        SeedName("García", "garcia"), SeedName("Müller", "mueller"), SeedName("Smith", "smith"),
        SeedName("Johansson", "johansson"), SeedName("Kowalski", "kowalski"),
        SeedName("Okafor", "okafor"), SeedName("Rossi", "rossi"), SeedName("Dubois", "dubois"),
        SeedName("Novak", "novak"), SeedName("Patel", "patel"), SeedName("Silva", "silva"),
        SeedName("Nguyễn", "nguyen"),
      ]),
    SeedNameGroup(
      weight: 8,
      givenNames: [
        SeedName("Mary \"Mo\"", "mary"), SeedName("Jean-Luc", "jeanluc"),
        SeedName("Anne-Marie", "annemarie"), SeedName("D'Arcy", "darcy"),
      ],
      familyNames: [
        SeedName("O'Connor", "oconnor"), SeedName("Smith, Jr.", "smith"),
        SeedName("de la Cruz", "delacruz"), SeedName("van der Berg", "vanderberg"),
        SeedName("Ødegård", "odegard"),
      ]),
    SeedNameGroup(
      weight: 10,
      givenNames: [
        SeedName("Αλέξανδρος", "alexandros"), SeedName("Ελένη", "eleni"),
        SeedName("Δημήτρης", "dimitris"), SeedName("Κατερίνα", "katerina"),
        SeedName("Νίκος", "nikos"),
      ],
      familyNames: [
        SeedName("Παπαδόπουλος", "papadopoulos"), SeedName("Γεωργίου", "georgiou"),
        SeedName("Οικονόμου", "oikonomou"), SeedName("Νικολάου", "nikolaou"),
      ]),
    SeedNameGroup(
      weight: 10,
      givenNames: [
        SeedName("Анна", "anna"), SeedName("Дмитрий", "dmitry"), SeedName("Ольга", "olga"),
        SeedName("Сергей", "sergey"), SeedName("Мария", "maria"),
      ],
      familyNames: [
        SeedName("Смирнов", "smirnov"), SeedName("Кузнецова", "kuznetsova"),
        SeedName("Попов", "popov"), SeedName("Волкова", "volkova"), SeedName("Соколов", "sokolov"),
      ]),
    SeedNameGroup(
      weight: 6,
      givenNames: [
        SeedName("伟", "wei"), SeedName("芳", "fang"), SeedName("静", "jing"), SeedName("磊", "lei"),
      ],
      familyNames: [
        SeedName("王", "wang"), SeedName("李", "li"), SeedName("张", "zhang"), SeedName("陈", "chen"),
      ]),
    SeedNameGroup(
      weight: 6,
      givenNames: [
        SeedName("花子", "hanako"), SeedName("健太", "kenta"), SeedName("さくら", "sakura"),
        SeedName("翔", "sho"),
      ],
      familyNames: [
        SeedName("佐藤", "sato"), SeedName("鈴木", "suzuki"), SeedName("高橋", "takahashi"),
        SeedName("田中", "tanaka"),
      ]),
    SeedNameGroup(
      weight: 5,
      givenNames: [SeedName("민준", "minjun"), SeedName("서연", "seoyeon"), SeedName("지호", "jiho")],
      familyNames: [SeedName("김", "kim"), SeedName("박", "park"), SeedName("이", "lee")]),
    SeedNameGroup(
      weight: 10,
      givenNames: [
        SeedName("محمد", "mohammed"), SeedName("فاطمة", "fatima"), SeedName("عمر", "omar"),
        SeedName("ليلى", "layla"), SeedName("يوسف", "youssef"),
      ],
      familyNames: [
        SeedName("الحسن", "alhassan"), SeedName("منصور", "mansour"), SeedName("حداد", "haddad"),
        SeedName("الخطيب", "alkhatib"),
      ]),
  ]

  static let openingTitles = [
    "Senior Software Engineer, Platform", "Product Designer (UX/UI)",
    "Customer Success Manager – EMEA", "Data Analyst, \"Growth\" Team",
    "Registered Nurse – Night Shift", "Warehouse Associate", "Sales Development Representative",
    "Marketing Coordinator", "Site Reliability Engineer", "Staff Accountant", "HR Generalist",
    "Technical Writer", "Backend Engineer (Go/Swift)", "Store Manager – Downtown",
    "Mechanical Engineer II", "Recruiter", "Ingénieur·e logiciel", "Software Engineer – 東京",
    "Μηχανικός Λογισμικού", "Менеджер по продажам", "مهندس بيانات", "Barista ☕ (part-time)",
  ]

  static let departments = [
    "Engineering", "Design", "Customer Success", "Sales", "Marketing", "Finance",
    "People & Culture", "Operations", "Research, Development & Design",
  ]

  static let locations = [
    "Portland, OR", "Berlin, Germany", "Αθήνα, Ελλάδα", "Москва, Россия", "東京都 渋谷区",
    "Remote", "São Paulo, Brasil", "القاهرة، مصر", "Remote (US, \"East Coast\" hours)",
    "Toronto, ON, Canada",
  ]

  static let descriptions = [
    "We are looking for someone who enjoys hard problems.\n\nYou will:\n- own services end to end\n- mentor others\n- write things down",
    "<p>Join a small team that ships every day.</p><ul><li>Flexible hours</li><li>Learning budget</li></ul>",
    "Our \"no jerks\" policy is real. Salary range: 60,000–75,000 per year, plus benefits.",
    "Part-time, 20 hours a week; weekends on rotation. 🎉 Free coffee, obviously.",
    "Θέση πλήρους απασχόλησης στην Αθήνα.\nΑπαιτείται εμπειρία 3 ετών.",
    "Полная занятость, гибкий график.\nОпыт работы от двух лет.",
    "チームと一緒に新しいサービスを作りましょう。\nリモート勤務可。",
    "نبحث عن مهندس بيانات ذو خبرة.\nالعمل عن بعد ممكن.",
  ]

  static let stages = ["New", "Phone Screen", "Interview", "Offer", "Hired", "Rejected"]
  static let sources = ["LinkedIn", "Indeed", "Referral", "Career Site", "Agency", "Migrated"]

  static let messageSubjects = [
    "Thanks for applying!", "Interview invitation – next steps", "Re: \"Availability\" for a call",
    "Your offer 🎉", "Προγραμματισμός συνέντευξης", "Приглашение на интервью", "面接のご案内",
    "دعوة لإجراء مقابلة",
  ]

  /// Message bodies, where `{name}` stands for the candidate's first name.
  static let messageBodies = [
    "Hi {name},\n\nThanks for applying. We will get back to you within a week.\n\nBest,\nThe hiring team",
    "Hi {name}, could you do a 30-minute call on Tuesday, Wednesday or Thursday?",
    "Dear {name},\n\nWe're happy to offer you the role! 🎉\nPlease reply by Friday.",
    "Γεια σας {name},\nΣας προσκαλούμε σε συνέντευξη την Πέμπτη.",
    "Здравствуйте, {name}!\nПриглашаем вас на собеседование в четверг.",
    "{name} 様\n\n面接の日程についてご連絡いたします。",
    "مرحباً {name}،\nنود دعوتك لإجراء مقابلة يوم الخميس.",
  ]

  static let noteBodies = [
    "Strong portfolio; asked about relocation, \"maybe next year\".",
    "Called twice, no answer 📞",
    "Referred by a former colleague.\nFollow up after the holidays.",
    "Excellent culture add 👍",
    "Salary expectation: 85,000–95,000 (local currency)",
    "Speaks English, Ελληνικά and Русский.",
    "Needs visa sponsorship?\n- check with legal\n- check with payroll",
  ]

  static let interviewers = [
    "Alex Rivera", "Sam Okafor", "Priya Natarajan", "Jordan Lee", "陈静 (Chen Jing)",
    "Hiring panel: Alex, Sam & Priya",
  ]

  static let interviewNotes = [
    "Technical round, 45 min.", "On-site; bring ID.\nParking at the back.",
    "Video call (link in the calendar invite)", "Panel interview – \"system design\" focus",
  ]

  static let ratings = ["Strong yes", "Yes", "Maybe", "No", "4/5", "3.5 / 5"]

  static let reviewComments = [
    "Clear communicator, solid fundamentals.",
    "Great system design answers; weaker on testing.",
    "Not a fit for this role, \"but\" keep in mind for later.",
    "👍👍",
    "Отличный кандидат, рекомендую.",
  ]

  static let evaluationResults = ["Passed", "Failed", "82/100", "Pending", "A-"]

  static let evaluationNotes = [
    "Take-home exercise, 3 hours.", "Scored by two reviewers;\naverage shown.",
    "Language test: English C1, Deutsch B2.",
  ]

  static let todoTitles = [
    "Send offer letter", "Check references (2 of 3 done)", "Schedule on-site, \"final\" round",
    "Book travel ✈️", "Collect right-to-work documents", "Follow up re: start date",
  ]

  /// Phone number formats, where `XX` stands for two digits.
  static let phoneFormats = [
    "+1 212 555 01XX", "(310) 555-01XX", "555-01XX", "+1-555-01XX ext. 12", "+1 (646) 555-01XX",
  ]
}
