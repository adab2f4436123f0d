"""Skills (curated tech list + ESCO, French) and ROME 4.0 job codes."""

from referentials.taxonomy.extraction import SkillMention
from referentials.taxonomy.rome import RomeReferential, default_rome
from referentials.taxonomy.skills import SkillTaxonomy, default_skill_taxonomy

__all__ = ["RomeReferential", "SkillMention", "SkillTaxonomy", "default_rome", "default_skill_taxonomy"]
