"""The occupations the generator writes CVs for: a real ROME appellation, how people title themselves,
skills as they write them, tasks, diplomas and certifications of the trade.

Every ``appellation`` is a long label of the ROME 4.0 appellation file; the target ROME code is read from
that file (``offline.cv_generator.referentials``), never typed here. Skills are written the way French CVs
list them; each one is resolved by the project's skill taxonomy (checked by ``tests/unit/test_cv_generator.py``).
Tasks carry no skill name, so the skills of a CV are exactly the ones the generator placed in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Diploma:
    """A diploma as written on a CV and its level on the parser's scale (``cap_bep`` … ``doctorat``)."""

    label: str
    level: str


@dataclass(frozen=True)
class Occupation:
    """One trade: ``titles`` are masculine/feminine pairs ("Cariste", "Cariste") as CVs write them."""

    key: str
    domain: str
    appellation: str
    titles: tuple[tuple[str, str], ...]
    skills: tuple[str, ...]
    tasks: tuple[str, ...]
    diplomas: tuple[Diploma, ...]
    employers: tuple[str, ...]
    certifications: tuple[str, ...] = ()
    senior_skills: tuple[str, ...] = field(default=())


D = Diploma
CAP = "cap_bep"

OCCUPATIONS: tuple[Occupation, ...] = (
    # Care
    Occupation(
        "aide_soignant",
        "soin",
        "Aide-soignant / Aide-soignante",
        (("Aide-soignant", "Aide-soignante"), ("Aide-soignant diplômé", "Aide-soignante diplômée")),
        (
            "soins d'hygiène",
            "aide à la toilette",
            "prise des constantes",
            "prévention des escarres",
            "Bionettoyage",
            "transmissions ciblées",
            "manutention de patients",
        ),
        (
            "Accompagnement des résidents dans les actes de la vie quotidienne",
            "Aide aux repas et surveillance de l'hydratation",
            "Travail en équipe pluridisciplinaire",
            "Accueil des familles et des nouveaux résidents",
            "Relève et transmissions avec l'équipe de nuit",
        ),
        (D("DEAS (Diplôme d'État d'aide-soignant)", CAP), D("Bac pro ASSP", "bac")),
        (
            "EHPAD Les Tilleuls",
            "Centre hospitalier de la Côte",
            "Clinique Saint-Vincent",
            "Résidence Bel Air",
        ),
        ("AFGSU niveau 2", "SST"),
    ),
    Occupation(
        "infirmier",
        "soin",
        "Infirmier / Infirmière en soins généraux (IDE)",
        (("Infirmier", "Infirmière"), ("Infirmier diplômé d'État", "Infirmière diplômée d'État")),
        (
            "soins infirmiers",
            "pose de perfusion",
            "pansements complexes",
            "préparation des traitements",
            "prise en charge de la douleur",
            "éducation thérapeutique du patient",
            "dossier patient informatisé",
        ),
        (
            "Encadrement des aides-soignants et des étudiants en stage",
            "Suivi des patients en post-opératoire",
            "Coordination avec les médecins et les familles",
            "Gestion des entrées et des sorties du service",
        ),
        (D("Diplôme d'État d'infirmier (IFSI), grade Licence", "bac+3"),),
        ("CHU de la Région", "Clinique du Parc", "Centre de soins infirmiers", "Hôpital privé des Alpes"),
        ("AFGSU niveau 2", "SST"),
    ),
    Occupation(
        "auxiliaire_puericulture",
        "soin",
        "Auxiliaire de puériculture",
        (("Auxiliaire de puériculture", "Auxiliaire de puériculture"),),
        (
            "soins aux nourrissons",
            "éveil de l'enfant",
            "préparation des biberons",
            "hygiène alimentaire",
            "accompagnement à la parentalité",
        ),
        (
            "Accueil des enfants et des parents",
            "Organisation d'activités d'éveil adaptées à l'âge",
            "Suivi des repas et des siestes",
            "Travail en lien avec l'équipe de la crèche",
        ),
        (
            D("Diplôme d'État d'auxiliaire de puériculture (DEAP)", CAP),
            D("CAP Accompagnant éducatif petite enfance", CAP),
        ),
        ("Crèche Les Petits Loups", "Maternité du Centre hospitalier", "Multi-accueil Les Lucioles"),
    ),
    Occupation(
        "aide_domicile",
        "soin",
        "Aide à domicile",
        (("Aide à domicile", "Aide à domicile"),),
        (
            "entretien du logement",
            "aide à la toilette",
            "préparation des repas",
            "courses",
            "accompagnement des personnes âgées",
        ),
        (
            "Interventions chez des personnes âgées et en situation de handicap",
            "Tenue du cahier de liaison",
            "Accompagnement aux rendez-vous médicaux",
        ),
        (
            D("DEAES (Diplôme d'État d'accompagnant éducatif et social)", CAP),
            D("CAP Agent polyvalent de restauration", CAP),
        ),
        ("ADMR", "Association Domicile Services", "Vitalliance", "CCAS de la commune"),
        ("Permis B",),
    ),
    Occupation(
        "ash",
        "soin",
        "Agent / Agente de service hospitalier (ASH)",
        (("Agent de service hospitalier", "Agente de service hospitalier"), ("ASH", "ASH")),
        ("Bionettoyage", "nettoyage des locaux", "protocoles d'hygiène", "distribution des repas"),
        (
            "Entretien des chambres et des parties communes",
            "Respect du circuit du linge",
            "Aide au service des repas",
        ),
        (D("CAP Agent de propreté et d'hygiène", CAP), D("Bac pro Hygiène, propreté, stérilisation", "bac")),
        ("Centre hospitalier de la Côte", "EHPAD Les Tilleuls", "Clinique Saint-Vincent"),
    ),
    # Logistics
    Occupation(
        "cariste",
        "logistique",
        "Cariste",
        (
            ("Cariste", "Cariste"),
            ("Cariste confirmé", "Cariste confirmée"),
            ("Cariste polyvalent", "Cariste polyvalente"),
        ),
        (
            "chargement et déchargement",
            "gestion des stocks",
            "inventaire",
            "scanner",
            "filmage des palettes",
            "réception de marchandises",
        ),
        (
            "Mise en stock et déstockage en hauteur",
            "Préparation des expéditions",
            "Contrôle de la conformité des livraisons",
            "Respect des consignes de l'entrepôt",
        ),
        (D("CAP Opérateur/opératrice logistique", CAP), D("Bac pro Logistique", "bac")),
        ("Geodis", "XPO Logistics", "Intermarché Base logistique", "Leroy Merlin Entrepôt", "Kuehne + Nagel"),
        ("CACES R489 cat. 3", "CACES R489 cat. 5", "CACES R489 cat. 1"),
    ),
    Occupation(
        "preparateur_commandes",
        "logistique",
        "Préparateur / Préparatrice de commandes",
        (("Préparateur de commandes", "Préparatrice de commandes"),),
        (
            "préparation de commandes",
            "commande vocale",
            "scanner",
            "emballage",
            "filmage des palettes",
            "inventaire",
        ),
        (
            "Prélèvement des colis selon les bons de commande",
            "Contrôle qualité avant expédition",
            "Tri et rangement de la zone de préparation",
        ),
        (
            D("CAP Opérateur/opératrice logistique", CAP),
            D("Titre professionnel Préparateur de commandes en entrepôt", CAP),
        ),
        ("Amazon Logistique", "Carrefour Supply Chain", "FM Logistic", "Lidl Entrepôt"),
        ("CACES R489 cat. 1",),
    ),
    Occupation(
        "magasinier",
        "logistique",
        "Magasinier / Magasinière",
        (("Magasinier", "Magasinière"), ("Magasinier cariste", "Magasinière cariste")),
        (
            "gestion des stocks",
            "inventaire",
            "réception de marchandises",
            "SAP",
            "expédition de marchandises",
        ),
        (
            "Tenue du magasin de pièces détachées",
            "Saisie des entrées et sorties",
            "Accueil des transporteurs",
        ),
        (D("Bac pro Logistique", "bac"), D("CAP Opérateur/opératrice logistique", CAP)),
        ("Point P", "Rexel", "Würth France", "Descours & Cabaud"),
        ("CACES R489 cat. 3",),
    ),
    Occupation(
        "responsable_logistique",
        "logistique",
        "Responsable logistique",
        (
            ("Responsable logistique", "Responsable logistique"),
            ("Responsable d'entrepôt", "Responsable d'entrepôt"),
        ),
        (
            "gestion des stocks",
            "management d'équipe",
            "supply chain",
            "SAP",
            "Excel",
            "Lean management",
            "WMS",
        ),
        (
            "Pilotage d'une équipe de 25 personnes",
            "Suivi des indicateurs de performance",
            "Organisation des flux entrants et sortants",
            "Négociation avec les transporteurs",
        ),
        (
            D("Master Management de la supply chain", "bac+5"),
            D("BTS Gestion des transports et logistique associée", "bac+2"),
        ),
        ("Geodis", "FM Logistic", "Stef", "Decathlon Logistique"),
    ),
    # Construction
    Occupation(
        "macon",
        "btp",
        "Maçon / Maçonne",
        (
            ("Maçon", "Maçonne"),
            ("Maçon qualifié", "Maçonne qualifiée"),
            ("Maçon coffreur", "Maçonne coffreuse"),
        ),
        ("coffrage", "lecture de plans", "montage de murs", "ferraillage", "pose de parpaings", "enduits"),
        (
            "Réalisation de fondations et de dalles",
            "Travaux de rénovation chez des particuliers",
            "Préparation et nettoyage du chantier",
        ),
        (D("CAP Maçon", CAP), D("BP Maçon", "bac")),
        ("Bouygues Bâtiment", "Eiffage Construction", "Maisons Bati-Sud", "SARL Martin Maçonnerie"),
        ("Travail en hauteur",),
    ),
    Occupation(
        "electricien",
        "btp",
        "Electricien / Electricienne bâtiment tertiaire",
        (("Électricien du bâtiment", "Électricienne du bâtiment"), ("Électricien", "Électricienne")),
        (
            "lecture de plans",
            "câblage",
            "installation de tableaux électriques",
            "domotique",
            "norme NF C 15-100",
            "dépannage",
        ),
        (
            "Installation électrique de logements neufs",
            "Mise en conformité d'installations anciennes",
            "Pose de chemins de câbles",
        ),
        (D("CAP Électricien", CAP), D("Bac pro MELEC", "bac"), D("BP Électricien", "bac")),
        ("Spie Batignolles", "Vinci Energies", "Cegelec", "Entreprise Durand Électricité"),
        ("Habilitation électrique B1V BR", "Habilitation électrique BR"),
    ),
    Occupation(
        "plombier",
        "btp",
        "Plombier / Plombière chauffagiste",
        (("Plombier chauffagiste", "Plombière chauffagiste"), ("Plombier", "Plombière")),
        (
            "soudure",
            "installation sanitaire",
            "pompe à chaleur",
            "chaudière gaz",
            "dépannage",
            "lecture de plans",
        ),
        (
            "Installation et entretien de chaudières",
            "Rénovation de salles de bains",
            "Interventions de dépannage chez les particuliers",
        ),
        (D("CAP Installateur sanitaire", CAP), D("BP Monteur en installations du génie climatique", "bac")),
        ("Engie Home Services", "Dalkia", "Proxiserve", "SARL Lefèvre Plomberie"),
    ),
    Occupation(
        "conducteur_travaux",
        "btp",
        "Conducteur / Conductrice de travaux du bâtiment",
        (
            ("Conducteur de travaux", "Conductrice de travaux"),
            ("Conducteur de travaux TCE", "Conductrice de travaux TCE"),
        ),
        (
            "lecture de plans",
            "AutoCAD",
            "gestion de chantier",
            "management d'équipe",
            "Excel",
            "MS Project",
            "suivi budgétaire",
        ),
        (
            "Pilotage de chantiers de logements collectifs",
            "Coordination des sous-traitants",
            "Réunions de chantier avec la maîtrise d'œuvre",
            "Planification des travaux",
        ),
        (
            D("Diplôme d'ingénieur (ESTP)", "bac+5"),
            D("BTS Bâtiment", "bac+2"),
            D("Licence professionnelle Conduite de travaux", "bac+3"),
        ),
        ("Bouygues Bâtiment", "Vinci Construction", "Eiffage Construction", "GCC"),
    ),
    # Catering
    Occupation(
        "cuisinier",
        "restauration",
        "Cuisinier / Cuisinière",
        (("Cuisinier", "Cuisinière"), ("Chef de partie", "Cheffe de partie")),
        (
            "HACCP",
            "cuisine traditionnelle",
            "gestion des stocks",
            "pâtisserie",
            "élaboration de menus",
            "dressage des assiettes",
        ),
        (
            "Mise en place et service du midi et du soir",
            "Réception et contrôle des livraisons",
            "Entretien du poste de travail et de la chambre froide",
        ),
        (
            D("CAP Cuisine", CAP),
            D("Bac pro Cuisine", "bac"),
            D("BTS Management en hôtellerie-restauration", "bac+2"),
        ),
        ("Restaurant Le Bistrot du Port", "Brasserie Les Halles", "Sodexo", "Hôtel Mercure"),
    ),
    Occupation(
        "serveur",
        "restauration",
        "Serveur / Serveuse",
        (("Serveur", "Serveuse"), ("Serveur en restauration", "Serveuse en restauration")),
        ("service en salle", "accueil client", "encaissement", "prise de commandes", "conseil en vins"),
        (
            "Dressage des tables et mise en place de la salle",
            "Service de 80 couverts par jour",
            "Fidélisation de la clientèle",
        ),
        (
            D("CAP Commercialisation et services en hôtel-café-restaurant", CAP),
            D("Bac pro Commercialisation et services en restauration", "bac"),
        ),
        ("Brasserie Les Halles", "Restaurant La Table d'Olivier", "Flunch", "Hôtel Ibis"),
        ("HACCP",),
    ),
    Occupation(
        "boulanger",
        "restauration",
        "Boulanger / Boulangère",
        (("Boulanger", "Boulangère"), ("Boulanger pâtissier", "Boulangère pâtissière")),
        ("panification", "viennoiserie", "pâtisserie", "HACCP", "façonnage"),
        (
            "Fabrication du pain et des viennoiseries dès 4 heures",
            "Gestion des fournées",
            "Vente en boutique le week-end",
        ),
        (
            D("CAP Boulanger", CAP),
            D("BP Boulanger", "bac"),
            D("Mention complémentaire Pâtisserie boulangère", CAP),
        ),
        ("Boulangerie Ange", "Maison Pichard", "Boulangerie Au Bon Pain", "Paul"),
    ),
    # Retail
    Occupation(
        "vendeur_pap",
        "commerce",
        "Vendeur / Vendeuse en prêt-à-porter",
        (
            ("Vendeur en prêt-à-porter", "Vendeuse en prêt-à-porter"),
            ("Conseiller de vente", "Conseillère de vente"),
        ),
        ("accueil client", "conseil client", "encaissement", "merchandising", "gestion des stocks", "vente"),
        (
            "Mise en rayon et réassort",
            "Atteinte des objectifs de vente mensuels",
            "Tenue de la cabine d'essayage et du magasin",
        ),
        (D("Bac pro Métiers du commerce et de la vente", "bac"), D("BTS MCO", "bac+2")),
        ("Zara", "Kiabi", "Celio", "Jules", "Promod"),
    ),
    Occupation(
        "employe_libre_service",
        "commerce",
        "Employé / Employée de libre-service",
        (
            ("Employé de libre-service", "Employée de libre-service"),
            ("Employé commercial", "Employée commerciale"),
        ),
        ("mise en rayon", "gestion des stocks", "étiquetage", "accueil client", "rotation des produits"),
        (
            "Réception des livraisons et remplissage des rayons",
            "Contrôle des dates de péremption",
            "Renseignement de la clientèle",
        ),
        (
            D("CAP Équipier polyvalent du commerce", CAP),
            D("Bac pro Métiers du commerce et de la vente", "bac"),
        ),
        ("Carrefour Market", "Super U", "Leclerc", "Auchan", "Monoprix"),
    ),
    Occupation(
        "caissier",
        "commerce",
        "Caissier / Caissière",
        (("Caissier", "Caissière"), ("Hôte de caisse", "Hôtesse de caisse")),
        ("encaissement", "accueil client", "gestion de caisse", "service client"),
        ("Tenue de caisse et comptage du fond de caisse", "Gestion des retours et des réclamations"),
        (D("CAP Équipier polyvalent du commerce", CAP), D("Baccalauréat général", "bac")),
        ("Carrefour", "Lidl", "Intermarché", "Casino Supermarchés"),
    ),
    Occupation(
        "responsable_magasin",
        "commerce",
        "Responsable de magasin de détail",
        (
            ("Responsable de magasin", "Responsable de magasin"),
            ("Directeur de magasin", "Directrice de magasin"),
        ),
        (
            "management d'équipe",
            "gestion des stocks",
            "merchandising",
            "recrutement",
            "Excel",
            "gestion budgétaire",
        ),
        (
            "Animation d'une équipe de 12 vendeurs",
            "Pilotage du chiffre d'affaires et des marges",
            "Organisation des plannings",
        ),
        (D("BTS MCO", "bac+2"), D("Licence professionnelle Commerce et distribution", "bac+3")),
        ("Decathlon", "Fnac", "Boulanger", "Intersport", "Cultura"),
    ),
    # Transport
    Occupation(
        "conducteur_pl",
        "transport",
        "Conducteur / Conductrice de poids lourd",
        (
            ("Conducteur poids lourd", "Conductrice poids lourd"),
            ("Chauffeur PL", "Chauffeuse PL"),
            ("Chauffeur SPL", "Chauffeuse SPL"),
        ),
        ("transport de marchandises", "chargement et déchargement", "chronotachygraphe", "arrimage"),
        (
            "Livraisons régionales et nationales",
            "Respect des temps de conduite et de repos",
            "Contrôle du véhicule avant départ",
        ),
        (
            D("Titre professionnel Conducteur du transport routier de marchandises", CAP),
            D("CAP Conducteur livreur", CAP),
        ),
        ("Transports Dupuy", "Dachser", "Heppner", "Transports Jacky Perrenot", "DHL Freight"),
        ("Permis C", "Permis CE", "FIMO", "FCO", "ADR"),
    ),
    Occupation(
        "chauffeur_livreur",
        "transport",
        "Chauffeur-livreur / Chauffeuse-livreuse",
        (("Chauffeur-livreur", "Chauffeuse-livreuse"), ("Chauffeur livreur", "Chauffeuse livreuse")),
        ("livraison", "chargement et déchargement", "relation client", "gestion des tournées"),
        (
            "Tournée de 80 points de livraison par jour",
            "Encaissement des contre-remboursements",
            "Remise des colis contre signature",
        ),
        (D("CAP Conducteur livreur", CAP), D("Brevet des collèges", CAP)),
        ("Chronopost", "DPD", "GLS", "La Poste Colissimo", "Geodis Distribution"),
        ("Permis B", "Permis C"),
    ),
    Occupation(
        "conducteur_bus",
        "transport",
        "Conducteur / Conductrice de bus",
        (("Conducteur de bus", "Conductrice de bus"), ("Conducteur receveur", "Conductrice receveuse")),
        ("transport de voyageurs", "accueil client", "sécurité routière", "vente de titres de transport"),
        (
            "Conduite sur lignes urbaines et scolaires",
            "Gestion des situations conflictuelles",
            "Contrôle du véhicule en début de service",
        ),
        (D("Titre professionnel Conducteur du transport en commun sur route", CAP),),
        ("Keolis", "Transdev", "RATP Dev", "Tisséo"),
        ("Permis D", "FIMO voyageurs"),
    ),
    # Office
    Occupation(
        "comptable",
        "bureau",
        "Comptable",
        (
            ("Comptable", "Comptable"),
            ("Comptable général", "Comptable générale"),
            ("Comptable unique", "Comptable unique"),
            ("Comptable senior", "Comptable senior"),
        ),
        (
            "comptabilité générale",
            "rapprochement bancaire",
            "déclarations de TVA",
            "bilan",
            "Sage",
            "Excel",
            "Cegid",
            "liasse fiscale",
            "paie",
            "comptabilité fournisseurs",
        ),
        (
            "Tenue de la comptabilité jusqu'au bilan",
            "Préparation des clôtures mensuelles",
            "Relations avec le commissaire aux comptes",
            "Suivi de la trésorerie",
        ),
        (
            D("DCG (Diplôme de comptabilité et de gestion)", "bac+3"),
            D("BTS Comptabilité et gestion", "bac+2"),
            D("Master CCA (Comptabilité, contrôle, audit)", "bac+5"),
            D("DSCG", "bac+5"),
        ),
        ("KPMG", "Cabinet Fiducial", "In Extenso", "Groupe Seb", "Mazars", "Cabinet Durand & Associés"),
    ),
    Occupation(
        "assistant_administratif",
        "bureau",
        "Assistant administratif / Assistante administrative",
        (("Assistant administratif", "Assistante administrative"),),
        ("Word", "Excel", "Outlook", "accueil téléphonique", "gestion d'agenda", "classement", "facturation"),
        (
            "Gestion du courrier et des appels",
            "Organisation de réunions et de déplacements",
            "Rédaction de comptes rendus",
        ),
        (
            D("BTS Support à l'action managériale", "bac+2"),
            D("Bac pro Assistance à la gestion des organisations", "bac"),
        ),
        ("Mairie de la ville", "Groupe Axa", "Cabinet Lemoine Avocats", "Veolia"),
    ),
    Occupation(
        "charge_recrutement",
        "bureau",
        "Chargé / Chargée de recrutement",
        (
            ("Chargé de recrutement", "Chargée de recrutement"),
            ("Chargé de recrutement IT", "Chargée de recrutement IT"),
        ),
        (
            "recrutement",
            "sourcing",
            "LinkedIn Recruiter",
            "entretiens de recrutement",
            "marque employeur",
            "ATS",
        ),
        (
            "Rédaction et diffusion des annonces",
            "Présélection téléphonique des candidats",
            "Suivi des intégrations",
        ),
        (D("Master Ressources humaines", "bac+5"), D("Licence professionnelle Métiers de la GRH", "bac+3")),
        ("Adecco", "Randstad", "Manpower", "Hays", "Michael Page"),
    ),
    Occupation(
        "secretaire_medicale",
        "bureau",
        "Secrétaire médical / Secrétaire médicale",
        (("Secrétaire médical", "Secrétaire médicale"),),
        (
            "terminologie médicale",
            "prise de rendez-vous",
            "Doctolib",
            "accueil téléphonique",
            "Word",
            "facturation",
        ),
        (
            "Accueil des patients et constitution des dossiers",
            "Frappe des comptes rendus",
            "Gestion des plannings des praticiens",
        ),
        (D("Titre professionnel Secrétaire assistant médico-social", "bac"), D("Bac ST2S", "bac")),
        ("Cabinet de radiologie du Centre", "Clinique du Parc", "Centre médical Pasteur"),
    ),
    # Industry
    Occupation(
        "technicien_maintenance",
        "industrie",
        "Agent / Agente de maintenance industrielle",
        (
            ("Technicien de maintenance industrielle", "Technicienne de maintenance industrielle"),
            ("Agent de maintenance industrielle", "Agente de maintenance industrielle"),
        ),
        (
            "maintenance préventive",
            "maintenance curative",
            "automatisme",
            "hydraulique",
            "pneumatique",
            "GMAO",
            "électrotechnique",
        ),
        (
            "Diagnostic des pannes sur lignes de production",
            "Rédaction des rapports d'intervention",
            "Amélioration de la fiabilité des équipements",
        ),
        (D("BTS Maintenance des systèmes", "bac+2"), D("Bac pro MSPC", "bac"), D("DUT GIM", "bac+2")),
        ("Michelin", "Stellantis", "Danone", "Safran", "Schneider Electric"),
        ("Habilitation électrique B2V BR",),
    ),
    Occupation(
        "operateur_production",
        "industrie",
        "Conducteur / Conductrice de ligne de production ou fabrication en industrie alimentaire",
        (
            ("Conducteur de ligne de production", "Conductrice de ligne de production"),
            ("Conducteur de ligne agroalimentaire", "Conductrice de ligne agroalimentaire"),
        ),
        ("contrôle qualité", "réglage de machines", "lean manufacturing", "5S", "autocontrôle"),
        (
            "Alimentation et surveillance de la ligne",
            "Travail en 3x8",
            "Remplissage des fiches de suivi de production",
        ),
        (
            D("Bac pro Pilote de ligne de production", "bac"),
            D("CAP Conducteur d'installations de production", CAP),
        ),
        ("Lactalis", "Bonduelle", "Fleury Michon", "Danone", "Bridor"),
        ("CACES R489 cat. 1",),
    ),
    Occupation(
        "soudeur",
        "industrie",
        "Soudeur / Soudeuse à l'arc semi-automatique",
        (("Soudeur", "Soudeuse"), ("Soudeur MIG MAG", "Soudeuse MIG MAG")),
        ("soudage MIG", "soudage TIG", "lecture de plans", "meulage", "soudage à l'arc"),
        (
            "Assemblage de structures métalliques",
            "Contrôle visuel des soudures",
            "Préparation des pièces avant soudage",
        ),
        (
            D("CAP Réalisations industrielles en chaudronnerie ou soudage", CAP),
            D("Bac pro Technicien en chaudronnerie industrielle", "bac"),
        ),
        ("Naval Group", "Chantiers de l'Atlantique", "Alstom", "Métallerie Girard"),
    ),
    # IT
    Occupation(
        "dev_python",
        "informatique",
        "Développeur / Développeuse informatique",
        (
            ("Développeur Python", "Développeuse Python"),
            ("Développeur back-end Python", "Développeuse back-end Python"),
        ),
        (
            "Python",
            "Django",
            "FastAPI",
            "PostgreSQL",
            "Docker",
            "Git",
            "Flask",
            "Celery",
            "Redis",
            "pytest",
            "REST API",
            "Kubernetes",
            "Linux",
            "AWS",
            "CI/CD",
        ),
        (
            "Conception et développement d'une plateforme de réservation",
            "Revue de code et accompagnement des développeurs juniors",
            "Mise en production et suivi des incidents",
            "Rédaction de la documentation technique",
        ),
        (
            D("Master Informatique", "bac+5"),
            D("Diplôme d'ingénieur (INSA Lyon)", "bac+5"),
            D("DUT Informatique", "bac+2"),
            D("Licence Informatique", "bac+3"),
        ),
        ("Capgemini", "Sopra Steria", "Doctolib", "Worldline", "Atos", "une start-up lyonnaise"),
    ),
    Occupation(
        "dev_web",
        "informatique",
        "Développeur / Développeuse web",
        (("Développeur web", "Développeuse web"), ("Développeur full-stack", "Développeuse full-stack")),
        (
            "JavaScript",
            "TypeScript",
            "React",
            "Node.js",
            "HTML",
            "CSS",
            "PHP",
            "Symfony",
            "MySQL",
            "Git",
            "Vue.js",
        ),
        (
            "Développement de sites e-commerce",
            "Intégration de maquettes",
            "Maintenance évolutive d'applications",
            "Échanges quotidiens avec les chefs de projet",
        ),
        (
            D("Licence professionnelle Développement web", "bac+3"),
            D("BTS SIO option SLAM", "bac+2"),
            D("Titre professionnel Développeur web et web mobile", "bac+2"),
        ),
        ("Agence Web Pixel", "Cdiscount", "Leboncoin", "Accenture", "Smile"),
    ),
    Occupation(
        "data_analyst",
        "informatique",
        "Data analyst",
        (("Data analyst", "Data analyst"),),
        ("SQL", "Python", "Power BI", "Tableau", "Excel", "pandas", "statistiques", "Looker"),
        (
            "Construction de tableaux de bord pour la direction commerciale",
            "Analyse des ventes et des marges",
            "Automatisation des reportings hebdomadaires",
        ),
        (D("Master SID (Université Toulouse III)", "bac+5"), D("Licence Économie", "bac+3")),
        ("Fnac Darty", "BNP Paribas", "Orange", "ManoMano", "Decathlon Digital"),
    ),
    Occupation(
        "data_scientist",
        "informatique",
        "Data scientist",
        (("Data scientist", "Data scientist"),),
        (
            "Python",
            "machine learning",
            "scikit-learn",
            "pandas",
            "SQL",
            "TensorFlow",
            "PyTorch",
            "statistiques",
            "NLP",
            "deep learning",
        ),
        (
            "Modèles de prévision de la demande",
            "Industrialisation de modèles avec l'équipe data",
            "Présentation des résultats aux équipes métier",
        ),
        (
            D("Master MIASHS", "bac+5"),
            D("Doctorat en mathématiques appliquées", "doctorat"),
            D("Diplôme d'ingénieur (Télécom Paris)", "bac+5"),
        ),
        ("Criteo", "Dataiku", "EDF", "Société Générale", "Ekimetrics"),
    ),
    Occupation(
        "data_engineer",
        "informatique",
        "Data engineer",
        (("Data engineer", "Data engineer"), ("Ingénieur data", "Ingénieure data")),
        ("Python", "Spark", "Airflow", "SQL", "Kafka", "Docker", "GCP", "dbt", "BigQuery", "Terraform"),
        (
            "Conception de pipelines d'ingestion",
            "Mise en place de la plateforme de données",
            "Supervision des traitements quotidiens",
        ),
        (
            D("Master Informatique (Université de Nantes)", "bac+5"),
            D("Diplôme d'ingénieur (ENSIMAG)", "bac+5"),
        ),
        ("Blablacar", "Carrefour Data", "SNCF Connect", "Qonto", "Theodo"),
    ),
    Occupation(
        "admin_sys",
        "informatique",
        "Administrateur / Administratrice systèmes et réseaux",
        (
            ("Administrateur systèmes et réseaux", "Administratrice systèmes et réseaux"),
            ("Administrateur système Linux", "Administratrice système Linux"),
        ),
        (
            "Linux",
            "Windows Server",
            "Active Directory",
            "VMware",
            "Cisco",
            "Ansible",
            "Bash",
            "supervision",
            "TCP/IP",
        ),
        (
            "Administration d'un parc de 200 serveurs",
            "Gestion des sauvegardes et du plan de reprise",
            "Support niveau 3 aux utilisateurs",
        ),
        (D("BTS SIO option SISR", "bac+2"), D("Licence professionnelle Administration des réseaux", "bac+3")),
        ("Orange Business", "SFR", "Conseil départemental", "Inetum", "Econocom"),
    ),
    Occupation(
        "technicien_support",
        "informatique",
        "Technicien / Technicienne helpdesk",
        (
            ("Technicien support informatique", "Technicienne support informatique"),
            ("Technicien helpdesk", "Technicienne helpdesk"),
        ),
        ("support utilisateurs", "Windows", "Active Directory", "Office 365", "GLPI", "ITIL", "dépannage"),
        (
            "Traitement des tickets de niveau 1 et 2",
            "Installation et préparation des postes de travail",
            "Accueil téléphonique des utilisateurs",
        ),
        (D("BTS SIO option SISR", "bac+2"), D("Bac pro Systèmes numériques", "bac")),
        ("Inetum", "Computacenter", "Econocom", "Axians"),
    ),
    # Education
    Occupation(
        "professeur_ecoles",
        "enseignement",
        "Professeur / Professeure des écoles",
        (
            ("Professeur des écoles", "Professeure des écoles"),
            ("Enseignant en école primaire", "Enseignante en école primaire"),
        ),
        ("pédagogie", "différenciation pédagogique", "gestion de classe", "évaluation des élèves"),
        (
            "Enseignement en classe de CE2 (26 élèves)",
            "Préparation des progressions annuelles",
            "Rencontres régulières avec les parents",
        ),
        (D("Master MEEF premier degré", "bac+5"), D("Licence Sciences de l'éducation", "bac+3")),
        ("École élémentaire Jean Jaurès", "École primaire Victor Hugo", "Groupe scolaire Pasteur"),
    ),
    Occupation(
        "formateur",
        "enseignement",
        "Formateur / Formatrice",
        (("Formateur", "Formatrice"), ("Formateur pour adultes", "Formatrice pour adultes")),
        (
            "ingénierie pédagogique",
            "animation de formation",
            "PowerPoint",
            "évaluation des acquis",
            "e-learning",
        ),
        (
            "Animation de sessions de 12 stagiaires",
            "Conception de supports de cours",
            "Suivi individuel des parcours",
        ),
        (
            D("Titre professionnel Formateur professionnel d'adultes", "bac+2"),
            D("Master Sciences de l'éducation", "bac+5"),
        ),
        ("AFPA", "GRETA", "CCI Formation", "Cegos"),
    ),
    Occupation(
        "animateur_periscolaire",
        "enseignement",
        "Animateur / Animatrice d'activités périscolaires",
        (("Animateur périscolaire", "Animatrice périscolaire"),),
        ("animation d'activités", "sécurité des enfants", "activités manuelles", "projet pédagogique"),
        (
            "Encadrement de groupes de 15 enfants",
            "Organisation de jeux et de sorties",
            "Accueil des familles le soir",
        ),
        (D("BPJEPS Loisirs tous publics", "bac"), D("CAP Accompagnant éducatif petite enfance", CAP)),
        ("Mairie de la ville", "Léo Lagrange", "Centre social Les Aubiers"),
        ("BAFA",),
    ),
    # Social work
    Occupation(
        "educateur_specialise",
        "social",
        "Educateur spécialisé / Educatrice spécialisée",
        (("Éducateur spécialisé", "Éducatrice spécialisée"),),
        (
            "accompagnement éducatif",
            "projet personnalisé",
            "travail en équipe",
            "médiation",
            "protection de l'enfance",
        ),
        (
            "Accompagnement de jeunes en foyer",
            "Rédaction des écrits professionnels",
            "Travail avec les familles et les partenaires",
        ),
        (D("DEES (Diplôme d'État d'éducateur spécialisé), grade Licence", "bac+3"),),
        (
            "Foyer départemental de l'enfance",
            "IME Les Sources",
            "Association Sauvegarde de l'enfance",
            "MECS Les Cèdres",
        ),
    ),
    Occupation(
        "assistant_social",
        "social",
        "Assistant / Assistante de service social",
        (
            ("Assistant de service social", "Assistante de service social"),
            ("Assistant social", "Assistante sociale"),
        ),
        (
            "accompagnement social",
            "accès aux droits",
            "travail en réseau",
            "protection de l'enfance",
            "évaluation sociale",
        ),
        ("Permanences d'accueil du public", "Instruction des dossiers d'aide", "Visites à domicile"),
        (D("DEASS (Diplôme d'État d'assistant de service social), grade Licence", "bac+3"),),
        ("Conseil départemental", "CCAS de la commune", "CAF", "Centre hospitalier de la Côte"),
    ),
    Occupation(
        "moniteur_educateur",
        "social",
        "Moniteur éducateur / Monitrice éducatrice",
        (("Moniteur éducateur", "Monitrice éducatrice"),),
        ("accompagnement éducatif", "animation d'activités", "projet personnalisé", "travail en équipe"),
        ("Accompagnement d'adultes en situation de handicap", "Organisation d'ateliers et de sorties"),
        (D("DEME (Diplôme d'État de moniteur éducateur)", "bac"),),
        ("ESAT Les Ateliers du Lac", "Foyer de vie Les Genêts", "APF France handicap", "Adapei"),
    ),
)

BY_KEY: dict[str, Occupation] = {o.key: o for o in OCCUPATIONS}
