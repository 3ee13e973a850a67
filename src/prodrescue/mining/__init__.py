"""Template mining: masking and Drain3 with content-hash template ids."""

from prodrescue.mining.masking import Masker
from prodrescue.mining.miner import Miner, MinerSettings, Template, template_id_for, template_key

__all__ = ["Masker", "Miner", "MinerSettings", "Template", "template_id_for", "template_key"]
