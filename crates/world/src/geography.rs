//! Forces and their towns: where lines run from and to.
//!
//! The forces themselves come from `forces.csv` (the copy kept by the `model`
//! crate, embedded at compile time so the generator and the importer agree on the
//! codes). This module adds what the spec does not carry: a few real towns per force
//! with a plausible postcode area, dialling code and railway station, and the
//! exporter-to-importer routes county lines really follow (London, Merseyside, the
//! West Midlands and Greater Manchester out to the shires and coast). It deliberately
//! holds no street-level geography: addresses are invented in `addresses.rs`.

use crate::rng::{WorldRng, pick_str, weighted};

const FORCES_CSV: &str = include_str!("../../model/data/forces.csv");

/// A town (or London borough) a line can run from or into.
#[derive(Debug)]
pub(crate) struct Town {
    /// The name analysts write.
    pub name: &'static str,
    /// Postcode area letters (`SE`, `L`, `RG`).
    pub postcode_area: &'static str,
    /// Lowest postcode district number used for the town.
    pub district_lo: u8,
    /// Highest postcode district number used for the town.
    pub district_hi: u8,
    /// The geographic dialling code without the trunk `0` (`161`, `1603`, `207`).
    pub dialling: &'static str,
    /// The town's railway station.
    pub station: &'static str,
}

/// A police force of `forces.csv` with its towns.
#[derive(Debug)]
pub(crate) struct Force {
    /// The code used in returns (`metropolitan`).
    pub code: String,
    /// A short upper-case prefix the force puts on its references (`MET`, `GMP`).
    pub prefix: String,
    /// The force's towns. Invariant: never empty.
    pub towns: &'static [Town],
}

/// A town of a force, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Place {
    /// Index into the force list.
    pub force: u16,
    /// Index into that force's towns.
    pub town: u16,
}

const fn t(
    name: &'static str,
    postcode_area: &'static str,
    district_lo: u8,
    district_hi: u8,
    dialling: &'static str,
    station: &'static str,
) -> Town {
    Town {
        name,
        postcode_area,
        district_lo,
        district_hi,
        dialling,
        station,
    }
}

/// Towns by force code. Every code of `forces.csv` must have an entry.
const TOWNS: &[(&str, &[Town])] = &[
    (
        "avon-and-somerset",
        &[
            t("Bristol", "BS", 1, 16, "117", "Bristol Temple Meads"),
            t(
                "Weston-super-Mare",
                "BS",
                22,
                24,
                "1934",
                "Weston-super-Mare",
            ),
            t("Taunton", "TA", 1, 3, "1823", "Taunton"),
            t("Bath", "BA", 1, 2, "1225", "Bath Spa"),
            t("Yeovil", "BA", 20, 22, "1935", "Yeovil Junction"),
        ],
    ),
    (
        "bedfordshire",
        &[
            t("Luton", "LU", 1, 4, "1582", "Luton"),
            t("Bedford", "MK", 40, 42, "1234", "Bedford"),
            t("Dunstable", "LU", 5, 6, "1582", "Leagrave"),
        ],
    ),
    (
        "cambridgeshire",
        &[
            t("Peterborough", "PE", 1, 4, "1733", "Peterborough"),
            t("Cambridge", "CB", 1, 5, "1223", "Cambridge"),
            t("Wisbech", "PE", 13, 14, "1945", "March"),
            t("Huntingdon", "PE", 28, 29, "1480", "Huntingdon"),
        ],
    ),
    (
        "cheshire",
        &[
            t("Chester", "CH", 1, 4, "1244", "Chester"),
            t("Crewe", "CW", 1, 2, "1270", "Crewe"),
            t("Warrington", "WA", 1, 5, "1925", "Warrington Bank Quay"),
            t("Ellesmere Port", "CH", 65, 66, "151", "Ellesmere Port"),
        ],
    ),
    (
        "city-of-london",
        &[t("City of London", "EC", 1, 4, "207", "Liverpool Street")],
    ),
    (
        "cleveland",
        &[
            t("Middlesbrough", "TS", 1, 5, "1642", "Middlesbrough"),
            t("Hartlepool", "TS", 24, 27, "1429", "Hartlepool"),
            t("Stockton-on-Tees", "TS", 17, 20, "1642", "Thornaby"),
            t("Redcar", "TS", 10, 11, "1642", "Redcar Central"),
        ],
    ),
    (
        "cumbria",
        &[
            t("Carlisle", "CA", 1, 3, "1228", "Carlisle"),
            t(
                "Barrow-in-Furness",
                "LA",
                13,
                14,
                "1229",
                "Barrow-in-Furness",
            ),
            t("Workington", "CA", 14, 14, "1900", "Workington"),
            t("Kendal", "LA", 9, 9, "1539", "Kendal"),
            t("Whitehaven", "CA", 28, 28, "1946", "Whitehaven"),
        ],
    ),
    (
        "derbyshire",
        &[
            t("Derby", "DE", 1, 24, "1332", "Derby"),
            t("Chesterfield", "S", 40, 45, "1246", "Chesterfield"),
            t("Buxton", "SK", 17, 17, "1298", "Buxton"),
            t("Ilkeston", "DE", 7, 7, "115", "Ilkeston"),
        ],
    ),
    (
        "devon-and-cornwall",
        &[
            t("Plymouth", "PL", 1, 9, "1752", "Plymouth"),
            t("Exeter", "EX", 1, 4, "1392", "Exeter St Davids"),
            t("Torquay", "TQ", 1, 2, "1803", "Torquay"),
            t("Newquay", "TR", 7, 8, "1637", "Newquay"),
            t("Barnstaple", "EX", 31, 32, "1271", "Barnstaple"),
            t("Truro", "TR", 1, 4, "1872", "Truro"),
        ],
    ),
    (
        "dorset",
        &[
            t("Bournemouth", "BH", 1, 11, "1202", "Bournemouth"),
            t("Poole", "BH", 12, 17, "1202", "Poole"),
            t("Weymouth", "DT", 3, 4, "1305", "Weymouth"),
        ],
    ),
    (
        "durham",
        &[
            t("Durham", "DH", 1, 1, "191", "Durham"),
            t("Darlington", "DL", 1, 3, "1325", "Darlington"),
            t("Chester-le-Street", "DH", 2, 3, "191", "Chester-le-Street"),
            t("Bishop Auckland", "DL", 14, 14, "1388", "Bishop Auckland"),
            t("Seaham", "SR", 7, 7, "191", "Seaham"),
        ],
    ),
    (
        "dyfed-powys",
        &[
            t("Aberystwyth", "SY", 23, 23, "1970", "Aberystwyth"),
            t("Llanelli", "SA", 14, 15, "1554", "Llanelli"),
            t("Carmarthen", "SA", 31, 33, "1267", "Carmarthen"),
            t("Newtown", "SY", 16, 16, "1686", "Newtown"),
            t("Haverfordwest", "SA", 61, 62, "1437", "Haverfordwest"),
        ],
    ),
    (
        "essex",
        &[
            t("Southend-on-Sea", "SS", 1, 3, "1702", "Southend Central"),
            t("Chelmsford", "CM", 1, 3, "1245", "Chelmsford"),
            t("Colchester", "CO", 1, 4, "1206", "Colchester"),
            t("Basildon", "SS", 13, 16, "1268", "Basildon"),
            t("Harlow", "CM", 17, 20, "1279", "Harlow Town"),
            t("Clacton-on-Sea", "CO", 15, 16, "1255", "Clacton-on-Sea"),
        ],
    ),
    (
        "gloucestershire",
        &[
            t("Gloucester", "GL", 1, 4, "1452", "Gloucester"),
            t("Cheltenham", "GL", 50, 53, "1242", "Cheltenham Spa"),
            t("Stroud", "GL", 5, 6, "1453", "Stroud"),
        ],
    ),
    (
        "greater-manchester",
        &[
            t("Manchester", "M", 8, 40, "161", "Manchester Piccadilly"),
            t("Salford", "M", 5, 7, "161", "Salford Central"),
            t("Oldham", "OL", 1, 9, "161", "Mills Hill"),
            t("Rochdale", "OL", 11, 16, "1706", "Rochdale"),
            t("Bolton", "BL", 1, 3, "1204", "Bolton"),
            t("Wigan", "WN", 1, 6, "1942", "Wigan North Western"),
            t("Stockport", "SK", 1, 8, "161", "Stockport"),
        ],
    ),
    (
        "gwent",
        &[
            t("Newport", "NP", 10, 20, "1633", "Newport"),
            t("Cwmbran", "NP", 44, 44, "1633", "Cwmbran"),
            t("Ebbw Vale", "NP", 23, 23, "1495", "Ebbw Vale Town"),
            t("Abergavenny", "NP", 7, 7, "1873", "Abergavenny"),
        ],
    ),
    (
        "hampshire",
        &[
            t("Southampton", "SO", 14, 19, "238", "Southampton Central"),
            t("Portsmouth", "PO", 1, 6, "239", "Portsmouth & Southsea"),
            t("Basingstoke", "RG", 21, 24, "1256", "Basingstoke"),
            t("Aldershot", "GU", 11, 12, "1252", "Aldershot"),
            t("Andover", "SP", 10, 11, "1264", "Andover"),
            t(
                "Newport (Isle of Wight)",
                "PO",
                30,
                30,
                "1983",
                "Ryde Pier Head",
            ),
        ],
    ),
    (
        "hertfordshire",
        &[
            t("Stevenage", "SG", 1, 2, "1438", "Stevenage"),
            t("Watford", "WD", 17, 25, "1923", "Watford Junction"),
            t("Hemel Hempstead", "HP", 1, 3, "1442", "Hemel Hempstead"),
            t("St Albans", "AL", 1, 4, "1727", "St Albans City"),
            t("Hatfield", "AL", 9, 10, "1707", "Hatfield"),
        ],
    ),
    (
        "humberside",
        &[
            t("Hull", "HU", 1, 9, "1482", "Hull Paragon"),
            t("Grimsby", "DN", 31, 34, "1472", "Grimsby Town"),
            t("Scunthorpe", "DN", 15, 17, "1724", "Scunthorpe"),
            t("Bridlington", "YO", 15, 16, "1262", "Bridlington"),
        ],
    ),
    (
        "kent",
        &[
            t("Margate", "CT", 9, 9, "1843", "Margate"),
            t("Maidstone", "ME", 14, 17, "1622", "Maidstone East"),
            t("Canterbury", "CT", 1, 2, "1227", "Canterbury West"),
            t("Dover", "CT", 16, 17, "1304", "Dover Priory"),
            t("Gillingham", "ME", 7, 8, "1634", "Gillingham"),
            t("Ashford", "TN", 23, 25, "1233", "Ashford International"),
            t("Folkestone", "CT", 19, 20, "1303", "Folkestone Central"),
        ],
    ),
    (
        "lancashire",
        &[
            t("Blackpool", "FY", 1, 4, "1253", "Blackpool North"),
            t("Preston", "PR", 1, 2, "1772", "Preston"),
            t("Blackburn", "BB", 1, 2, "1254", "Blackburn"),
            t("Burnley", "BB", 10, 12, "1282", "Burnley Manchester Road"),
            t("Lancaster", "LA", 1, 1, "1524", "Lancaster"),
            t("Morecambe", "LA", 3, 4, "1524", "Morecambe"),
        ],
    ),
    (
        "leicestershire",
        &[
            t("Leicester", "LE", 1, 5, "116", "Leicester"),
            t("Loughborough", "LE", 11, 11, "1509", "Loughborough"),
            t("Hinckley", "LE", 10, 10, "1455", "Hinckley"),
            t("Melton Mowbray", "LE", 13, 14, "1664", "Melton Mowbray"),
        ],
    ),
    (
        "lincolnshire",
        &[
            t("Lincoln", "LN", 1, 6, "1522", "Lincoln"),
            t("Boston", "PE", 21, 21, "1205", "Boston"),
            t("Skegness", "PE", 24, 25, "1754", "Skegness"),
            t("Grantham", "NG", 31, 32, "1476", "Grantham"),
            t("Spalding", "PE", 11, 12, "1775", "Spalding"),
        ],
    ),
    (
        "merseyside",
        &[
            t("Liverpool", "L", 1, 36, "151", "Liverpool Lime Street"),
            t("Birkenhead", "CH", 41, 43, "151", "Birkenhead Central"),
            t("Kirkby", "L", 32, 33, "151", "Kirkby"),
            t("Bootle", "L", 20, 20, "151", "Bootle New Strand"),
            t("St Helens", "WA", 9, 11, "1744", "St Helens Central"),
        ],
    ),
    (
        "metropolitan",
        &[
            t("Lambeth", "SW", 2, 9, "207", "Brixton"),
            t("Southwark", "SE", 1, 22, "207", "Peckham Rye"),
            t("Hackney", "E", 5, 9, "208", "Hackney Central"),
            t("Haringey", "N", 15, 17, "208", "Tottenham Hale"),
            t("Croydon", "CR", 0, 7, "208", "East Croydon"),
            t("Newham", "E", 6, 16, "208", "Stratford"),
            t("Lewisham", "SE", 4, 13, "208", "Lewisham"),
            t("Brent", "NW", 2, 10, "208", "Wembley Central"),
            t("Enfield", "EN", 1, 3, "208", "Enfield Town"),
            t("Tower Hamlets", "E", 1, 14, "207", "Whitechapel"),
            t("Islington", "N", 1, 19, "207", "Highbury & Islington"),
        ],
    ),
    (
        "norfolk",
        &[
            t("Norwich", "NR", 1, 7, "1603", "Norwich"),
            t("Great Yarmouth", "NR", 30, 31, "1493", "Great Yarmouth"),
            t("King's Lynn", "PE", 30, 34, "1553", "King's Lynn"),
            t("Thetford", "IP", 24, 26, "1842", "Thetford"),
        ],
    ),
    (
        "north-wales",
        &[
            t("Wrexham", "LL", 11, 14, "1978", "Wrexham General"),
            t("Rhyl", "LL", 18, 18, "1745", "Rhyl"),
            t("Bangor", "LL", 57, 57, "1248", "Bangor"),
            t("Colwyn Bay", "LL", 28, 29, "1492", "Colwyn Bay"),
            t("Holyhead", "LL", 65, 65, "1407", "Holyhead"),
        ],
    ),
    (
        "north-yorkshire",
        &[
            t("York", "YO", 1, 32, "1904", "York"),
            t("Scarborough", "YO", 11, 12, "1723", "Scarborough"),
            t("Harrogate", "HG", 1, 3, "1423", "Harrogate"),
            t("Selby", "YO", 8, 8, "1757", "Selby"),
        ],
    ),
    (
        "northamptonshire",
        &[
            t("Northampton", "NN", 1, 5, "1604", "Northampton"),
            t("Kettering", "NN", 14, 16, "1536", "Kettering"),
            t("Corby", "NN", 17, 18, "1536", "Corby"),
            t("Wellingborough", "NN", 8, 9, "1933", "Wellingborough"),
        ],
    ),
    (
        "northumbria",
        &[
            t("Newcastle upon Tyne", "NE", 1, 15, "191", "Newcastle"),
            t("Sunderland", "SR", 1, 6, "191", "Sunderland"),
            t("Blyth", "NE", 24, 24, "1670", "Newsham"),
            t("Gateshead", "NE", 8, 11, "191", "MetroCentre"),
            t("South Shields", "NE", 33, 34, "191", "South Shields"),
        ],
    ),
    (
        "nottinghamshire",
        &[
            t("Nottingham", "NG", 1, 11, "115", "Nottingham"),
            t("Mansfield", "NG", 18, 21, "1623", "Mansfield"),
            t("Worksop", "S", 80, 81, "1909", "Worksop"),
            t("Newark", "NG", 24, 24, "1636", "Newark Northgate"),
        ],
    ),
    (
        "south-wales",
        &[
            t("Cardiff", "CF", 3, 24, "292", "Cardiff Central"),
            t("Swansea", "SA", 1, 8, "1792", "Swansea"),
            t("Merthyr Tydfil", "CF", 47, 48, "1685", "Merthyr Tydfil"),
            t("Bridgend", "CF", 31, 35, "1656", "Bridgend"),
            t("Port Talbot", "SA", 12, 13, "1639", "Port Talbot Parkway"),
        ],
    ),
    (
        "south-yorkshire",
        &[
            t("Sheffield", "S", 1, 35, "114", "Sheffield"),
            t("Doncaster", "DN", 1, 12, "1302", "Doncaster"),
            t("Rotherham", "S", 60, 66, "1709", "Rotherham Central"),
            t("Barnsley", "S", 70, 75, "1226", "Barnsley"),
        ],
    ),
    (
        "staffordshire",
        &[
            t("Stoke-on-Trent", "ST", 1, 6, "1782", "Stoke-on-Trent"),
            t("Stafford", "ST", 16, 18, "1785", "Stafford"),
            t("Burton upon Trent", "DE", 13, 15, "1283", "Burton-on-Trent"),
            t("Tamworth", "B", 77, 79, "1827", "Tamworth"),
            t("Cannock", "WS", 11, 12, "1543", "Cannock"),
        ],
    ),
    (
        "suffolk",
        &[
            t("Ipswich", "IP", 1, 5, "1473", "Ipswich"),
            t("Lowestoft", "NR", 32, 33, "1502", "Lowestoft"),
            t("Bury St Edmunds", "IP", 28, 33, "1284", "Bury St Edmunds"),
            t("Felixstowe", "IP", 11, 11, "1394", "Felixstowe"),
        ],
    ),
    (
        "surrey",
        &[
            t("Guildford", "GU", 1, 4, "1483", "Guildford"),
            t("Woking", "GU", 21, 22, "1483", "Woking"),
            t("Staines", "TW", 18, 19, "1784", "Staines"),
            t("Redhill", "RH", 1, 1, "1737", "Redhill"),
            t("Epsom", "KT", 17, 19, "1372", "Epsom"),
        ],
    ),
    (
        "sussex",
        &[
            t("Brighton", "BN", 1, 3, "1273", "Brighton"),
            t("Hastings", "TN", 34, 35, "1424", "Hastings"),
            t("Crawley", "RH", 10, 11, "1293", "Crawley"),
            t("Eastbourne", "BN", 20, 23, "1323", "Eastbourne"),
            t("Worthing", "BN", 11, 14, "1903", "Worthing"),
        ],
    ),
    (
        "thames-valley",
        &[
            t("Reading", "RG", 1, 6, "118", "Reading"),
            t("Slough", "SL", 1, 3, "1753", "Slough"),
            t("Oxford", "OX", 1, 4, "1865", "Oxford"),
            t(
                "Milton Keynes",
                "MK",
                1,
                15,
                "1908",
                "Milton Keynes Central",
            ),
            t("High Wycombe", "HP", 10, 13, "1494", "High Wycombe"),
            t("Banbury", "OX", 16, 16, "1295", "Banbury"),
            t("Aylesbury", "HP", 19, 22, "1296", "Aylesbury"),
        ],
    ),
    (
        "warwickshire",
        &[
            t("Nuneaton", "CV", 10, 11, "247", "Nuneaton"),
            t("Rugby", "CV", 21, 23, "1788", "Rugby"),
            t("Leamington Spa", "CV", 31, 32, "1926", "Leamington Spa"),
            t("Warwick", "CV", 34, 35, "1926", "Warwick"),
            t(
                "Stratford-upon-Avon",
                "CV",
                37,
                37,
                "1789",
                "Stratford-upon-Avon",
            ),
        ],
    ),
    (
        "west-mercia",
        &[
            t("Telford", "TF", 1, 7, "1952", "Telford Central"),
            t("Worcester", "WR", 1, 5, "1905", "Worcester Foregate Street"),
            t("Shrewsbury", "SY", 1, 5, "1743", "Shrewsbury"),
            t("Hereford", "HR", 1, 4, "1432", "Hereford"),
            t("Redditch", "B", 97, 98, "1527", "Redditch"),
            t("Kidderminster", "DY", 10, 11, "1562", "Kidderminster"),
        ],
    ),
    (
        "west-midlands",
        &[
            t("Birmingham", "B", 1, 48, "121", "Birmingham New Street"),
            t("Wolverhampton", "WV", 1, 14, "1902", "Wolverhampton"),
            t("Coventry", "CV", 1, 6, "247", "Coventry"),
            t("Walsall", "WS", 1, 5, "1922", "Walsall"),
            t("Dudley", "DY", 1, 3, "1384", "Dudley Port"),
            t("West Bromwich", "B", 70, 71, "121", "The Hawthorns"),
        ],
    ),
    (
        "west-yorkshire",
        &[
            t("Leeds", "LS", 1, 29, "113", "Leeds"),
            t("Bradford", "BD", 1, 10, "1274", "Bradford Interchange"),
            t("Huddersfield", "HD", 1, 8, "1484", "Huddersfield"),
            t("Wakefield", "WF", 1, 4, "1924", "Wakefield Westgate"),
            t("Halifax", "HX", 1, 3, "1422", "Halifax"),
            t("Dewsbury", "WF", 12, 13, "1924", "Dewsbury"),
        ],
    ),
    (
        "wiltshire",
        &[
            t("Swindon", "SN", 1, 5, "1793", "Swindon"),
            t("Salisbury", "SP", 1, 2, "1722", "Salisbury"),
            t("Chippenham", "SN", 14, 15, "1249", "Chippenham"),
            t("Trowbridge", "BA", 14, 14, "1225", "Trowbridge"),
        ],
    ),
    // British Transport Police polices the railway: its "towns" are the hub
    // stations lines travel through.
    (
        "british-transport",
        &[
            t("London Euston", "NW", 1, 1, "207", "London Euston"),
            t(
                "Birmingham New Street",
                "B",
                2,
                2,
                "121",
                "Birmingham New Street",
            ),
            t(
                "Liverpool Lime Street",
                "L",
                1,
                1,
                "151",
                "Liverpool Lime Street",
            ),
            t(
                "Manchester Piccadilly",
                "M",
                1,
                1,
                "161",
                "Manchester Piccadilly",
            ),
            t("London Paddington", "W", 2, 2, "207", "London Paddington"),
            t(
                "London King's Cross",
                "N",
                1,
                1,
                "207",
                "London King's Cross",
            ),
        ],
    ),
];

/// The code of British Transport Police, which reports lines seen on the railway.
pub(crate) const BTP: &str = "british-transport";

/// The four forces that export most lines (DOMAIN.md §8.1).
const MAJOR_EXPORTERS: &[&str] = &[
    "metropolitan",
    "merseyside",
    "west-midlands",
    "greater-manchester",
];

/// An exporter, its share of lines, and the importers it supplies with weights.
type Route = (&'static str, u32, &'static [(&'static str, u32)]);

/// Where lines run.
const ROUTES: &[Route] = &[
    (
        "metropolitan",
        34,
        &[
            ("thames-valley", 14),
            ("hampshire", 10),
            ("kent", 12),
            ("essex", 12),
            ("sussex", 8),
            ("surrey", 5),
            ("hertfordshire", 7),
            ("bedfordshire", 5),
            ("norfolk", 8),
            ("suffolk", 7),
            ("devon-and-cornwall", 5),
            ("dorset", 5),
            ("wiltshire", 4),
            ("avon-and-somerset", 3),
            ("cambridgeshire", 5),
            ("northamptonshire", 3),
            ("lincolnshire", 2),
        ],
    ),
    (
        "west-midlands",
        17,
        &[
            ("west-mercia", 14),
            ("staffordshire", 12),
            ("warwickshire", 10),
            ("gloucestershire", 7),
            ("leicestershire", 6),
            ("lincolnshire", 5),
            ("derbyshire", 5),
            ("northamptonshire", 4),
            ("dyfed-powys", 4),
            ("south-wales", 4),
            ("north-wales", 3),
            ("nottinghamshire", 3),
            ("devon-and-cornwall", 2),
            ("avon-and-somerset", 3),
            ("wiltshire", 3),
        ],
    ),
    (
        "merseyside",
        15,
        &[
            ("cumbria", 10),
            ("lancashire", 10),
            ("cheshire", 12),
            ("north-wales", 14),
            ("dyfed-powys", 8),
            ("west-mercia", 8),
            ("devon-and-cornwall", 5),
            ("north-yorkshire", 4),
            ("avon-and-somerset", 3),
            ("staffordshire", 3),
            ("derbyshire", 2),
        ],
    ),
    (
        "greater-manchester",
        13,
        &[
            ("lancashire", 12),
            ("cumbria", 10),
            ("cheshire", 8),
            ("north-wales", 6),
            ("north-yorkshire", 8),
            ("derbyshire", 6),
            ("west-yorkshire", 5),
            ("humberside", 4),
            ("staffordshire", 3),
        ],
    ),
    (
        "west-yorkshire",
        4,
        &[
            ("north-yorkshire", 10),
            ("humberside", 8),
            ("lincolnshire", 4),
            ("durham", 3),
        ],
    ),
    (
        "nottinghamshire",
        3,
        &[
            ("lincolnshire", 10),
            ("derbyshire", 5),
            ("leicestershire", 5),
        ],
    ),
    (
        "avon-and-somerset",
        3,
        &[
            ("devon-and-cornwall", 10),
            ("wiltshire", 6),
            ("gloucestershire", 5),
            ("dorset", 5),
        ],
    ),
    (
        "south-yorkshire",
        2,
        &[
            ("lincolnshire", 8),
            ("north-yorkshire", 4),
            ("humberside", 4),
        ],
    ),
    (
        "northumbria",
        2,
        &[("durham", 8), ("cumbria", 6), ("cleveland", 5)],
    ),
];

/// Forces with "internal" lines, run between two of their own towns.
const INTERNAL: &[&str] = &[
    "kent",
    "essex",
    "thames-valley",
    "hampshire",
    "west-yorkshire",
    "south-wales",
    "lancashire",
    "cleveland",
    "sussex",
    "leicestershire",
];

/// Share (out of 100) of lines that stay inside one force.
const INTERNAL_SHARE: u32 = 9;

/// All forces of `forces.csv`, in file order, with their towns.
#[derive(Debug)]
pub(crate) struct Geography {
    /// The forces. Invariant: every code of `forces.csv`, in file order.
    pub forces: Vec<Force>,
}

impl Geography {
    /// Reads the embedded `forces.csv`.
    pub(crate) fn load() -> Geography {
        let forces = FORCES_CSV
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let code = line
                    .split(',')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let towns = TOWNS
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map(|(_, towns)| *towns)
                    .unwrap_or(TOWNS[0].1);
                Force {
                    prefix: prefix_of(&code),
                    code,
                    towns,
                }
            })
            .collect();
        Geography { forces }
    }

    /// The index of a force code. Panics on a code that is not in `forces.csv`,
    /// which is a bug in this module's tables (a unit test checks them).
    pub(crate) fn index(&self, code: &str) -> u16 {
        self.forces
            .iter()
            .position(|f| f.code == code)
            .unwrap_or_else(|| panic!("force {code} is not in forces.csv")) as u16
    }

    /// The town at a place.
    pub(crate) fn town(&self, place: Place) -> &'static Town {
        &self.forces[usize::from(place.force)].towns[usize::from(place.town)]
    }

    /// A random town of a force.
    pub(crate) fn random_place(&self, rng: &mut WorldRng, force: u16) -> Place {
        let n = self.forces[usize::from(force)].towns.len();
        Place {
            force,
            town: crate::rng::between(rng, 0, n as i64 - 1) as u16,
        }
    }

    /// Whether a force is one of the four big exporters.
    pub(crate) fn is_major_exporter(&self, force: u16) -> bool {
        MAJOR_EXPORTERS.contains(&self.forces[usize::from(force)].code.as_str())
    }

    /// Picks where a new line runs from and to: `(exporting place, importing places)`.
    /// Internal lines import into another town of the exporting force.
    pub(crate) fn pick_route(&self, rng: &mut WorldRng) -> (Place, Vec<Place>) {
        let internal = rng.random_range(0..100) < INTERNAL_SHARE;
        if internal {
            let force = self.index(pick_str(rng, INTERNAL));
            let towns = self.forces[usize::from(force)].towns.len() as u16;
            let from = rng.random_range(0..towns);
            let mut to = rng.random_range(0..towns - 1);
            if to >= from {
                to += 1;
            }
            return (Place { force, town: from }, vec![Place { force, town: to }]);
        }
        let weights: Vec<(usize, u32)> = ROUTES.iter().enumerate().map(|(i, r)| (i, r.1)).collect();
        let (exporter, _, importers) = ROUTES[weighted(rng, &weights)];
        let export = self.random_place(rng, self.index(exporter));
        let importer_weights: Vec<(&str, u32)> = importers.to_vec();
        let n_forces = weighted(rng, &[(1usize, 70), (2, 25), (3, 5)]);
        let mut imports: Vec<Place> = Vec::new();
        for _ in 0..n_forces * 3 {
            if imports
                .iter()
                .map(|p| p.force)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                >= n_forces
            {
                break;
            }
            let force = self.index(weighted(rng, &importer_weights));
            if imports.iter().all(|p| p.force != force) {
                imports.push(self.random_place(rng, force));
            }
        }
        // A line often supplies a second town of its main importing force.
        if crate::rng::chance(rng, 0.3) {
            let first = imports[0];
            let extra = self.random_place(rng, first.force);
            if !imports.contains(&extra) {
                imports.push(extra);
            }
        }
        (export, imports)
    }
}

use rand::RngExt as _;

/// The reference prefix of a force: initials of its code's words (`GMP`), or the
/// first three letters for a one-word code (`MET`, `KEN`).
fn prefix_of(code: &str) -> String {
    let words: Vec<&str> = code
        .split('-')
        .filter(|w| *w != "and" && *w != "of")
        .collect();
    if words.len() == 1 {
        words[0].chars().take(3).collect::<String>().to_uppercase()
    } else {
        let mut p: String = words.iter().filter_map(|w| w.chars().next()).collect();
        p.push('p');
        p.to_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_force_has_towns_and_routes_name_real_forces() {
        let geo = Geography::load();
        assert_eq!(geo.forces.len(), 44);
        for force in &geo.forces {
            assert!(
                TOWNS.iter().any(|(c, _)| *c == force.code),
                "no towns for {}",
                force.code
            );
        }
        for (exporter, _, importers) in ROUTES {
            geo.index(exporter);
            for (importer, _) in *importers {
                geo.index(importer);
            }
        }
        for code in INTERNAL.iter().chain(MAJOR_EXPORTERS) {
            geo.index(code);
        }
        assert_eq!(
            geo.forces[geo.index("greater-manchester") as usize].prefix,
            "GMP"
        );
        assert_eq!(geo.forces[geo.index("metropolitan") as usize].prefix, "MET");
    }
}
